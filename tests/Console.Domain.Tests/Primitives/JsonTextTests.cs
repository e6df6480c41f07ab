using System.Text.Json;
using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Tests.Primitives;

/// <summary><see cref="JsonText"/>: the reused per-thread writer never mixes documents, nested or one after another.</summary>
public sealed class JsonTextTests
{
    [Fact]
    public void Documents_written_one_after_another_are_each_complete_and_alone()
    {
        var first = JsonText.Write("a much longer value than the next one", static (w, v) => { w.WriteStartObject(); w.WriteString("k", v); w.WriteEndObject(); });
        var second = JsonText.Write(7, static (w, v) => { w.WriteStartObject(); w.WriteNumber("n", v); w.WriteEndObject(); });

        Assert.Equal("{\"k\":\"a much longer value than the next one\"}", first);
        Assert.Equal("{\"n\":7}", second);
    }

    [Fact]
    public void A_document_written_inside_another_gets_its_own_buffer()
    {
        var outer = JsonText.Write("x", static (w, v) =>
        {
            w.WriteStartObject();
            var inner = JsonText.Write(v, static (iw, iv) => { iw.WriteStartArray(); iw.WriteStringValue(iv); iw.WriteEndArray(); });
            w.WriteString("inner", inner);
            w.WriteEndObject();
        });

        using var document = JsonDocument.Parse(outer);
        Assert.Equal("[\"x\"]", document.RootElement.GetProperty("inner").GetString());
    }

    [Fact]
    public void A_failed_write_leaves_the_next_document_clean()
    {
        Assert.Throws<InvalidOperationException>(() => JsonText.Write(0, static (w, _) => { w.WriteStartObject(); w.WriteString("half", "done"); throw new InvalidOperationException("boom"); }));

        var next = JsonText.Write(1, static (w, v) => { w.WriteStartObject(); w.WriteNumber("ok", v); w.WriteEndObject(); });

        Assert.Equal("{\"ok\":1}", next);
    }

    [Fact]
    public void A_large_document_is_written_whole()
    {
        var big = new string('z', 200_000);

        var text = JsonText.Write(big, static (w, v) => w.WriteStringValue(v));
        var after = JsonText.Write(big[..3], static (w, v) => w.WriteStringValue(v));

        Assert.Equal(200_002, text.Length);
        Assert.Equal("\"zzz\"", after);
    }
}
