using System.Diagnostics;
using System.Text.Json;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Smtp;

/// <summary>One message for a real SMTP client program to send.</summary>
public sealed record SmtpJob(int Port, string User, string Password, string From, IReadOnlyList<string> To)
{
    public Dictionary<string, string> Headers { get; init; } = [];

    /// <summary>Do not STARTTLS (and do not require it).</summary>
    public bool PlainText { get; init; }

    /// <summary>Pad the body to about this many bytes.</summary>
    public int? BodySize { get; init; }

    public string Subject { get; init; } = "Hello from a real SMTP client";
}

/// <summary>What a client reported: whether the message was accepted, and the server's words (the swaks transcript or nodemailer's JSON).</summary>
public sealed record SmtpClientOutcome(bool Accepted, string Transcript);

/// <summary>
/// Runs the SMTP clients people really use, as separate processes: Debian's <c>swaks</c> and <c>nodemailer</c> (tests/smtp-client,
/// pinned by its lock file). Both trust exactly the listener's self-signed certificate where they can (swaks does not verify).
/// </summary>
public static class ExternalSmtpClient
{
    public static Task<SmtpClientOutcome> SendAsync(string client, SmtpJob job, string caPem) => client switch
    {
        "swaks" => SwaksAsync(job),
        "nodemailer" => NodemailerAsync(job, caPem),
        _ => throw new ArgumentOutOfRangeException(nameof(client), client, null),
    };

    private static async Task<SmtpClientOutcome> SwaksAsync(SmtpJob job)
    {
        var args = new List<string>
        {
            "--server", "127.0.0.1", "--port", job.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--helo", "client.example", "--from", job.From, "--to", string.Join(',', job.To),
            "--auth", "PLAIN", "--auth-user", job.User, "--auth-password", job.Password,
            "--header", "Subject: " + job.Subject, "--timeout", "30",
        };
        if (!job.PlainText)
        {
            args.Add("--tls");
        }

        foreach (var (name, value) in job.Headers)
        {
            args.AddRange(["--add-header", $"{name}: {value}"]);
        }

        string? bodyFile = null;
        if (job.BodySize is { } size)
        {
            bodyFile = Path.GetTempFileName();
            await File.WriteAllTextAsync(bodyFile, string.Concat(Enumerable.Repeat(new string('x', 76) + "\r\n", size / 78 + 1)), TestContext.Current.CancellationToken);
            args.AddRange(["--body", "@" + bodyFile]);
        }

        try
        {
            // swaks exits 0 even when AUTH fails: the transcript is what counts.
            // Perl's Getopt::Long also takes "+" as an option prefix, so a password starting with "+" (one secret in 64)
            // read as an unknown option; POSIXLY_CORRECT leaves "-" and "--" the only prefixes.
            var (_, stdout, stderr) = await RunAsync("swaks", args, new Dictionary<string, string> { ["POSIXLY_CORRECT"] = "1" }, workingDirectory: null);
            var transcript = stdout + stderr;
            return new SmtpClientOutcome(System.Text.RegularExpressions.Regex.IsMatch(transcript, @"<~? +250 Ok \S+"), transcript);
        }
        finally
        {
            if (bodyFile is not null)
            {
                File.Delete(bodyFile);
            }
        }
    }

    private static async Task<SmtpClientOutcome> NodemailerAsync(SmtpJob job, string caPem)
    {
        var directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "smtp-client"));
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            throw new InvalidOperationException($"Run 'npm ci' in {directory} first (scripts/test.sh does).");
        }

        var input = JsonSerializer.Serialize(new
        {
            port = job.Port, user = job.User, pass = job.Password, from = job.From, to = job.To, headers = job.Headers,
            plainText = job.PlainText, bodySize = job.BodySize, subject = job.Subject, caPem,
        });
        var (exitCode, stdout, stderr) = await RunAsync("node", ["--no-warnings", "send.mjs"], new Dictionary<string, string> { ["SMTP_JOB"] = input }, directory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"node send.mjs exited with {exitCode}: {stderr}");
        }

        using var result = JsonDocument.Parse(stdout);
        return new SmtpClientOutcome(result.RootElement.GetProperty("accepted").GetBoolean(), stdout);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? environment, string? workingDirectory)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory ?? "" };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return await ChildProcess.RunAsync(start);
    }
}
