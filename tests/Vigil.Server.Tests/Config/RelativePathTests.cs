using Vigil.Monitoring.Config;
using Vigil.Server.Tests.Monitors;

namespace Vigil.Server.Tests.Config;

/// <summary>Relative paths in vigil.yaml (<c>store:</c>, the model's <c>reference:</c>, an estimated_performance
/// monitor's <c>reference:</c>) resolve against the config file's folder, not the directory the service starts in;
/// absolute paths and PostgreSQL URLs stay as written.</summary>
public sealed class RelativePathTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-relpath-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Config(string store, string reference, string estimated) => $"""
        store: {store}
        keys:
          - key: abcdefgh
            scopes: [read]
        models:
          fraud:
            task: binary
            reference: {reference}
            schema:
              features: {"{amount: number}"}
            monitors:
              - name: amount-drift
                metric: drift(amount)
              - name: est
                type: estimated_performance
                metric: roc_auc
                reference: {estimated}
        """;

    [Fact]
    public async Task RelativePaths_ResolveAgainstTheConfigFilesFolder()
    {
        Write("conf/ref/train.csv", "amount\n1.5\n2.5\n");
        var labelled = EstimateData.Reference(Directory.CreateDirectory(Path.Combine(_dir, "labelled")).FullName, rows: 200);
        var config = Write("conf/vigil.yaml", Config("data/vigil.duckdb", "ref/train.csv", "../labelled/" + Path.GetFileName(labelled)));
        // The service starts elsewhere (the test's directory); the config is named relative to it.
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "ref", "train.csv")));
        var c = ServiceConfigLoader.Load(Path.GetRelativePath(Environment.CurrentDirectory, config));
        Assert.Equal(Path.Combine(_dir, "conf", "data", "vigil.duckdb"), c.Store);
        Assert.Equal(Path.Combine(_dir, "conf", "ref", "train.csv"), c.Models[0].Reference);
        Assert.Equal(labelled, c.Models[0].Monitors[1].Estimation!.Reference);

        // The store is created in the config's folder.
        await using (VigilServer.Create(c, "http://127.0.0.1:0"))
            Assert.True(File.Exists(Path.Combine(_dir, "conf", "data", "vigil.duckdb")));

        // Read relative to the current directory, the same config would have nothing to compare with: the message says
        // where the path was looked for.
        var e = Assert.Throws<Vigil.Engine.VigilInputException>(() => ServiceConfigLoader.Load(Write("elsewhere/vigil.yaml", File.ReadAllText(config)))).Message;
        Assert.Contains($"line 8: reference: no such file '{Path.Combine(_dir, "elsewhere", "ref", "train.csv")}' ('ref/train.csv' is relative to the config file's folder)", e, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsolutePathsAndUrls_StayAsWritten()
    {
        var train = Write("ref/train.csv", "amount\n1.5\n2.5\n");
        var labelled = EstimateData.Reference(_dir, rows: 200);
        var c = ServiceConfigLoader.Load(Write("conf/vigil.yaml", Config(Path.Combine(_dir, "store.duckdb"), train, labelled)));
        Assert.Equal((Path.Combine(_dir, "store.duckdb"), train, labelled), (c.Store, c.Models[0].Reference, c.Models[0].Monitors[1].Estimation!.Reference));

        var pg = ServiceConfigLoader.Load(Write("pg/vigil.yaml", Config("postgres://vigil@db:5432/monitoring", train, labelled)));
        Assert.Equal("postgres://vigil@db:5432/monitoring", pg.Store);
    }
}
