using Vigil.Engine;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Config;

/// <summary>A model's team, owner, tags and freshness (the fleet page's filters and its "no data" status) load from
/// vigil.yaml, with defaults when absent and one-line errors naming the line when wrong.</summary>
public sealed class ModelMetadataTests
{
    private static string Yaml(string extra) =>
        "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  fraud:\n    task: binary\n" + extra + "    schema:\n      features: {amount: number}\n";

    [Fact]
    public void Metadata_Loads_WithDefaultsWhenAbsent()
    {
        var m = ServiceConfigLoader.Parse(Yaml("    team: risk\n    owner: ana@example.com\n    tags: [payments, eu, payments]\n    freshness: 30m\n"), "vigil.yaml", ".").Models[0];
        Assert.Equal("risk", m.Team);
        Assert.Equal("ana@example.com", m.Owner);
        Assert.Equal(["payments", "eu"], m.Tags);
        Assert.Equal(TimeSpan.FromMinutes(30), m.Freshness);

        var d = ServiceConfigLoader.Parse(Yaml(""), "vigil.yaml", ".").Models[0];
        Assert.Null(d.Team);
        Assert.Null(d.Owner);
        Assert.Empty(d.Tags);
        Assert.Equal(TimeSpan.FromHours(1), d.Freshness);
    }

    [Fact]
    public void Metadata_Wrong_IsALoadTimeError()
    {
        var e = Assert.Throws<VigilInputException>(() => ServiceConfigLoader.Parse(Yaml("    freshness: 0s\n"), "vigil.yaml", ".")).Message;
        Assert.StartsWith("vigil.yaml: line 7: freshness", e, StringComparison.Ordinal);
        e = Assert.Throws<VigilInputException>(() => ServiceConfigLoader.Parse(Yaml("    tags: {a: b}\n"), "vigil.yaml", ".")).Message;
        Assert.StartsWith("vigil.yaml: line 7: ", e, StringComparison.Ordinal);
    }
}
