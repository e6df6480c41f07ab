using System.Text.RegularExpressions;

namespace SesConsole.Domain.Tests.Architecture;

/// <summary>
/// The repository documents its own behaviour: code cites <c>docs/*.md#anchor</c> sections that exist, never the
/// out-of-repository reference by its section numbers.
/// </summary>
public sealed partial class DocsCitationTests
{
    private static readonly string Root = FindRoot();
    private static readonly string[] SourceFolders = ["src", "tests", "e2e", "bench"];

    [Fact]
    public void SourceFiles_CiteNoOutsideReferenceSections()
    {
        var offending = SourceFiles()
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, line, i)))
            .Where(x => OutsideCitation().IsMatch(x.line) || x.line.Contains("shared/reference", StringComparison.Ordinal)
                        || x.line.Contains("stack-notes", StringComparison.Ordinal))
            .Select(x => $"{Path.GetRelativePath(Root, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();

        Assert.True(offending.Count == 0, "Cite docs/<file>.md#<anchor> instead:\n" + string.Join('\n', offending));
    }

    [Fact]
    public void DocAnchorsCitedInCode_ExistAsHeadings()
    {
        var missing = new List<string>();
        foreach (var file in SourceFiles())
        {
            foreach (Match m in DocAnchor().Matches(File.ReadAllText(file)))
            {
                var doc = Path.Combine(Root, "docs", m.Groups["doc"].Value);
                var anchor = m.Groups["anchor"].Value;
                if (!File.Exists(doc) || !Anchors(doc).Contains(anchor))
                {
                    missing.Add($"{Path.GetRelativePath(Root, file)}: docs/{m.Groups["doc"].Value}#{anchor}");
                }
            }
        }

        Assert.True(missing.Count == 0, "Cited sections that do not exist:\n" + string.Join('\n', missing.Distinct()));
    }

    /// <summary>GitHub's heading slugs: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static HashSet<string> Anchors(string doc) =>
        File.ReadLines(doc)
            .Where(l => l.StartsWith('#'))
            .Select(l => l.TrimStart('#').Trim().ToLowerInvariant())
            .Select(h => Regex.Replace(h, @"[^\p{L}\p{Nd}\s_-]", ""))
            .Select(h => Regex.Replace(h, @"\s", "-"))
            .ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> SourceFiles() =>
        SourceFolders
            .Select(d => Path.Combine(Root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)
                        || f.EndsWith(".css", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal)
                        || f.EndsWith(".mjs", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains("node_modules", StringComparison.Ordinal)
                        && !f.EndsWith(nameof(DocsCitationTests) + ".cs", StringComparison.Ordinal));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SesConsole.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("SesConsole.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A section sign not preceded by an RFC number ("RFC 6376 §3.6.1" is fine).</summary>
    [GeneratedRegex(@"(?<!RFC \d{3,4} )§")]
    private static partial Regex OutsideCitation();

    [GeneratedRegex(@"docs/(?<doc>[a-z0-9-]+\.md)#(?<anchor>[a-z0-9-]+)")]
    private static partial Regex DocAnchor();
}
