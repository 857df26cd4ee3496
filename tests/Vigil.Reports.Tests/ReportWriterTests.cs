using System.Text.Json;

namespace Vigil.Reports.Tests;

public class ReportWriterTests
{
    [Theory]
    [InlineData("console", "Console")]
    [InlineData("json", "Json")]
    [InlineData("JSON", "Json")]
    [InlineData(" html ", "Html")]
    [InlineData("markdown", "Markdown")]
    [InlineData("md", "Markdown")]
    public void ParseFormat_KnownNames(string s, string expected) => Assert.Equal(Enum.Parse<ReportFormat>(expected), ReportWriter.ParseFormat(s));

    [Theory]
    [InlineData("")]
    [InlineData("xml")]
    [InlineData("htm")]
    [InlineData(null)]
    public void ParseFormat_UnknownNames_AreNull(string? s) => Assert.Null(ReportWriter.ParseFormat(s));

    [Fact]
    public void Write_DispatchesEveryFormat()
    {
        foreach (var f in Enum.GetValues<ReportFormat>())
        {
            var we = new StringWriter();
            ReportWriter.Write(Fixtures.Binary(), f, we);
            var ws = new StringWriter();
            ReportWriter.Write(Fixtures.Summary(), f, ws);
            string e = we.ToString(), s = ws.ToString();
            switch (f)
            {
                case ReportFormat.Json:
                    Assert.Equal("evaluation", JsonDocument.Parse(e).RootElement.GetProperty("kind").GetString());
                    Assert.Equal("summary", JsonDocument.Parse(s).RootElement.GetProperty("kind").GetString());
                    break;
                case ReportFormat.Html:
                    Assert.StartsWith("<!DOCTYPE html>", e, StringComparison.Ordinal);
                    Assert.StartsWith("<!DOCTYPE html>", s, StringComparison.Ordinal);
                    break;
                case ReportFormat.Markdown:
                    Assert.StartsWith("# Vigil evaluation", e, StringComparison.Ordinal);
                    Assert.StartsWith("# Vigil summary", s, StringComparison.Ordinal);
                    break;
                default:
                    Assert.Contains("Vigil evaluation", e, StringComparison.Ordinal);
                    Assert.Contains(Fixtures.SummaryVerdict, s, StringComparison.Ordinal);
                    break;
            }
        }
    }
}
