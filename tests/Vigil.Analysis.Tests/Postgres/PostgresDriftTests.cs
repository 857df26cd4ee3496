using Npgsql;
using Vigil.Analysis.Drift;
using Vigil.Engine.Sources;
using Vigil.Testing.Postgres;

namespace Vigil.Analysis.Tests.Postgres;

/// <summary>Drift with both sides in a real PostgreSQL server (every count computed there) agrees with DuckDB's on the
/// same rows, a PostgreSQL reference works against a file, and so does a profile of a PostgreSQL table.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDriftTests(PostgresServer server)
{
    [SkippableFact]
    public void Drift_InPostgres_MatchesDuckDb()
    {
        server.Require();
        using (var conn = new NpgsqlConnection(server.ConnectionString))
        {
            conn.Open();
            using var cmd = new NpgsqlCommand(
                "DROP TABLE IF EXISTS drift_ref, drift_cur; " +
                "CREATE TABLE drift_ref AS SELECT g AS id, (g % 97) * 1.5 AS amount, CASE WHEN g % 3 = 0 THEN 'DE' WHEN g % 3 = 1 THEN 'FR' ELSE NULL END AS country, g % 4 AS k FROM generate_series(1, 1500) g; " +
                "CREATE TABLE drift_cur AS SELECT g AS id, (g % 89) * 1.5 + 3 AS amount, CASE WHEN g % 2 = 0 THEN 'DE' ELSE 'FR' END AS country, g % 5 AS k FROM generate_series(1, 1200) g;", conn);
            cmd.ExecuteNonQuery();
        }
        var options = new DriftOptions { Columns = ["amount", "country", "k"] };
        Results.DriftResult pg;
        using (var r = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Table = "drift_ref" }))
        using (var c = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Sql = "SELECT * FROM drift_cur" }))
        {
            Assert.Equal("postgresql", r.Engine.Name);
            pg = DriftAnalysis.Run(r, c, options);
        }
        // The same rows through DuckDB, from CSV files written by PostgreSQL.
        var dir = Directory.CreateTempSubdirectory("vigil-pgdrift-").FullName;
        try
        {
            string Export(string table)
            {
                var path = Path.Combine(dir, table + ".csv");
                using var conn = new NpgsqlConnection(server.ConnectionString);
                conn.Open();
                using var reader = conn.BeginTextExport($"COPY {table} TO STDOUT (FORMAT csv, HEADER true)");
                File.WriteAllText(path, reader.ReadToEnd());
                return path;
            }
            Results.DriftResult duck;
            using (var r = SourceOpener.Open(new SourceSpec { Inputs = [Export("drift_ref")] }))
            using (var c = SourceOpener.Open(new SourceSpec { Inputs = [Export("drift_cur")] }))
                duck = DriftAnalysis.Run(r, c, options);
            Assert.Equal(duck.ReferenceRows, pg.ReferenceRows);
            Assert.Equal(duck.CurrentRows, pg.CurrentRows);
            Assert.Equal(duck.Dataset, pg.Dataset);
            Assert.Equal(duck.Columns.Select(x => (x.Name, x.Method, x.Result, x.ReferenceMissing, x.CurrentMissing)),
                pg.Columns.Select(x => (x.Name, x.Method, x.Result, x.ReferenceMissing, x.CurrentMissing)));

            // A profile of the PostgreSQL table (counted inside the server) gives the same drift against the file.
            ReferenceProfile profile;
            using (var r = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Table = "drift_ref" }))
                profile = ReferenceProfile.Build(r, ["amount", "country", "k"]);
            Assert.Equal(1500, profile.Rows);
            using (var c = SourceOpener.Open(new SourceSpec { Inputs = [Export("drift_cur")] }))
            {
                var fromProfile = DriftAnalysis.Run(profile, c, options);
                Assert.Equal(duck.Columns.Select(x => (x.Name, x.Method, x.Result, x.ReferenceMissing, x.CurrentMissing)),
                    fromProfile.Columns.Select(x => (x.Name, x.Method, x.Result, x.ReferenceMissing, x.CurrentMissing)));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Issue 14: the numbers streamed from PostgreSQL in order (two engines merged in .NET, and one engine
    /// with both sides in one query) give what DuckDB gives holding every value, on the edge-case fixture.</summary>
    [SkippableFact]
    public void Drift_StreamedFromPostgres_MatchesDuckDbHeld()
    {
        server.Require();
        var dir = Directory.CreateTempSubdirectory("vigil-pgstream-").FullName;
        try
        {
            var (refCsv, curCsv) = Vigil.Analysis.Tests.Drift.DriftStreamingFixture.Write(dir, 3000, 2500);
            using (var conn = new NpgsqlConnection(server.ConnectionString))
            {
                conn.Open();
                foreach (var (table, csv) in new[] { ("stream_ref", refCsv), ("stream_cur", curCsv) })
                {
                    using (var cmd = new NpgsqlCommand($"DROP TABLE IF EXISTS {table}_text, {table}; CREATE TABLE {table}_text (x text, few text, k text, e text, s text)", conn))
                        cmd.ExecuteNonQuery();
                    using (var writer = conn.BeginTextImport($"COPY {table}_text FROM STDIN (FORMAT csv, HEADER true)"))
                        writer.Write(File.ReadAllText(csv));
                    string F(string c) => $"CAST(CASE lower({c}) WHEN 'inf' THEN 'Infinity' WHEN '-inf' THEN '-Infinity' ELSE {c} END AS double precision) AS {c}";
                    using var create = new NpgsqlCommand($"CREATE TABLE {table} AS SELECT {F("x")}, CAST(few AS bigint) AS few, CAST(k AS bigint) AS k, {F("e")}, s FROM {table}_text", conn);
                    create.ExecuteNonQuery();
                }
            }
            var options = new DriftOptions { Correction = "fdr" };
            Results.DriftResult duck;
            using (var r = SourceOpener.Open(new SourceSpec { Inputs = [refCsv] }))
            using (var c = SourceOpener.Open(new SourceSpec { Inputs = [curCsv] }))
                duck = DriftAnalysis.Run(r, c, options);
            using (var r = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Table = "stream_ref" }))
            using (var c = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Table = "stream_cur" }))
            {
                Vigil.Analysis.Tests.Drift.DriftStreamingFixture.AssertSame(duck, DriftAnalysis.Run(r, c, options));
                var shared = new Vigil.Engine.Sources.OpenedSource(r.Engine, c.Relation, c.Description, c.Columns, ownsEngine: false);
                Vigil.Analysis.Tests.Drift.DriftStreamingFixture.AssertSame(duck, DriftAnalysis.Run(r, shared, options));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
