using System.Globalization;
using System.Text;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Tests.Drift;

/// <summary>Drift between two files read by the engine: the counts that leave the engine give the same numbers as the
/// methods on the raw samples, missing values are left out and counted, and the options do what they say.</summary>
public sealed class DriftAnalysisTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-drift-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>Columns: prediction_id, timestamp (both skipped by default), x (continuous; shifted in current),
    /// k (5 integer values), c (text categories, some missing), b (two categories), y (numbers with NaN and inf).</summary>
    private (string Ref, string Cur, double[] X0, double[] X1) Write(int rows, double shift, int seed)
    {
        string One(string name, int offset, double sh, out double[] xs)
        {
            var r = new Random(seed + offset);
            var sb = new StringBuilder("prediction_id,timestamp,x,k,c,b,y\n");
            xs = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                var x = Math.Round(r.NextDouble() * 10 + sh, 3);
                xs[i] = x;
                var c = i % 17 == 0 ? "" : "cat" + (r.Next(4) + (sh > 0 && i % 3 == 0 ? 1 : 0));
                var y = i % 50 == 0 ? "nan" : i % 51 == 0 ? "inf" : (r.Next(1000) / 7.0).ToString("R", CultureInfo.InvariantCulture);
                sb.Append(CultureInfo.InvariantCulture, $"p{offset}-{i},2026-01-01 00:00:00,{x.ToString("R", CultureInfo.InvariantCulture)},{r.Next(5)},{c},{(r.Next(3) == 0 ? "yes" : "no")},{y}\n");
            }
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, sb.ToString());
            return path;
        }
        var refPath = One($"ref{rows}.csv", 0, 0, out var x0);
        var curPath = One($"cur{rows}.csv", 1, shift, out var x1);
        return (refPath, curPath, x0, x1);
    }

    private static DriftResult Run(string reference, string current, DriftOptions? options = null)
    {
        using var r = SourceOpener.Open(new SourceSpec { Inputs = [reference] });
        using var c = SourceOpener.Open(new SourceSpec { Inputs = [current] });
        return DriftAnalysis.Run(r, c, options ?? new DriftOptions());
    }

    private static ColumnDrift Col(DriftResult r, string name) => Assert.Single(r.Columns, c => c.Name == name);

    /// <summary>The CSV copied to Parquet beside it (<paramref name="readOptions"/> added to read_csv's).</summary>
    private static string ToParquet(string csvPath, string readOptions = "")
    {
        var pq = Path.ChangeExtension(csvPath, ".parquet");
        using var e = new Vigil.Engine.DuckDb.DuckDbEngine();
        e.Execute($"COPY (SELECT * FROM read_csv('{csvPath.Replace("'", "''")}', header = true{readOptions})) TO '{pq.Replace("'", "''")}' (FORMAT parquet)");
        return pq;
    }

    [Fact]
    public void SmallReference_AutomaticMethods_AndNumbersFromTheRawSamples()
    {
        var (refPath, curPath, x0, x1) = Write(600, 0.8, 1);
        var r = Run(refPath, curPath);
        Assert.Equal(600, r.ReferenceRows);
        Assert.Equal(600, r.CurrentRows);
        Assert.DoesNotContain(r.Columns, c => c.Name is "prediction_id" or "timestamp");
        Assert.Equal("ks", Col(r, "x").Method);
        Assert.Equal("chisquare", Col(r, "k").Method); // numbers with 5 values: categorical, as Evidently does
        Assert.Equal("chisquare", Col(r, "c").Method);
        Assert.Equal("z", Col(r, "b").Method);
        Assert.Equal(ColumnType.Categorical, Col(r, "c").Type);

        // The engine's counts give exactly what the method gives on the raw samples.
        var expected = DriftMethods.Run("ks", ValueCounts.FromSamples(x0, x1));
        Assert.Equal(expected, Col(r, "x").Result);
        Assert.True(Col(r, "x").Drifted);
    }

    [Fact]
    public void MissingValues_AreLeftOutAndCounted()
    {
        var (refPath, curPath, _, _) = Write(600, 0, 2);
        var r = Run(refPath, curPath);
        var y = Col(r, "y");
        Assert.Equal(ColumnType.Numerical, y.Type);
        Assert.Equal(Enumerable.Range(0, 600).Count(i => i % 50 == 0 || i % 51 == 0), y.ReferenceMissing); // nan and inf
        var c = Col(r, "c");
        Assert.Equal(Enumerable.Range(0, 600).Count(i => i % 17 == 0), c.ReferenceMissing);
        Assert.Equal(c.ReferenceMissing, c.CurrentMissing);
    }

    [Fact]
    public void LargeReference_WassersteinAndJensenShannon_ParquetSameAsCsv()
    {
        var (refPath, curPath, x0, x1) = Write(3000, 0.5, 3);
        var csv = Run(refPath, curPath);
        Assert.Equal("wasserstein", Col(csv, "x").Method);
        Assert.Equal("jensenshannon", Col(csv, "c").Method);
        Assert.Equal("jensenshannon", Col(csv, "k").Method);
        Assert.Equal(DriftMethods.Run("wasserstein", ValueCounts.FromSamples(x0, x1)), Col(csv, "x").Result);

        var pqResult = Run(ToParquet(refPath), ToParquet(curPath));
        Assert.Equal(csv.Columns.Select(c => (c.Name, c.Method, c.Result, c.ReferenceMissing)), pqResult.Columns.Select(c => (c.Name, c.Method, c.Result, c.ReferenceMissing)));
    }

    [Fact]
    public void Options_ColumnsMethodThresholdPerColumnAndDriftShare()
    {
        var (refPath, curPath, _, _) = Write(600, 0.8, 4);
        var r = Run(refPath, curPath, new DriftOptions
        {
            Columns = ["x", "c", "b"],
            Method = "psi",
            PerColumn = new Dictionary<string, (string?, double?)> { ["x"] = ("wasserstein", 0.05), ["b"] = (null, 0.9) },
            DriftShare = 0.3,
        });
        Assert.Equal(["b", "c", "x"], r.Columns.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(3, r.Columns.Count);
        Assert.Equal(("wasserstein", 0.05), (Col(r, "x").Method, Col(r, "x").Result!.Threshold));
        Assert.Equal(("psi", 0.1), (Col(r, "c").Method, Col(r, "c").Result!.Threshold));
        Assert.Equal(("psi", 0.9), (Col(r, "b").Method, Col(r, "b").Result!.Threshold));
        Assert.Equal(r.Columns.Count(c => c.Drifted), r.Dataset.DriftedColumns);
        Assert.Equal((double)r.Dataset.DriftedColumns / 3, r.Dataset.Share);
        Assert.Equal(r.Dataset.Share >= 0.3, r.Dataset.Drifted);
        // Most drifted first.
        Assert.Equal(r.Columns.OrderByDescending(c => c.Drifted).Select(c => c.Drifted), r.Columns.Select(c => c.Drifted));
    }

    [Fact]
    public void MethodForEveryColumn_SkipsColumnsOfTheOtherType_WithANote()
    {
        var (refPath, curPath, _, _) = Write(600, 0.8, 5);
        var r = Run(refPath, curPath, new DriftOptions { Method = "ks" });
        var c = Col(r, "c");
        Assert.Null(c.Result);
        Assert.Contains("numerical", c.Note);
        Assert.Equal(r.Columns.Count(x => x.Result is not null), r.Dataset.Columns);
    }

    [Fact]
    public void Correction_AdjustsPValuesAndDecisions_NotDistances()
    {
        var (refPath, curPath, _, _) = Write(600, 0.05, 7);
        var plain = Run(refPath, curPath);
        var bonf = Run(refPath, curPath, new DriftOptions { Correction = "bonferroni" });
        var fdr = Run(refPath, curPath, new DriftOptions { Correction = "fdr" });
        Assert.Equal("bonferroni", bonf.Dataset.Correction);
        var tests = plain.Columns.Where(c => c.Result?.PValue is not null).ToList();
        var m = tests.Count;
        Assert.True(m >= 3);
        foreach (var c in tests)
        {
            var b = Col(bonf, c.Name);
            Assert.Equal(c.Result, b.Result); // the method's own numbers stay
            Assert.Equal(Math.Min(1, c.Result!.PValue!.Value * m), b.AdjustedPValue!.Value, 12);
            Assert.Equal(DriftMethods.PValueDrifts(c.Result.Method, b.AdjustedPValue.Value, b.Result!.Threshold), b.Drifted);
            var f = Col(fdr, c.Name);
            Assert.InRange(f.AdjustedPValue!.Value, c.Result.PValue.Value * (1 - 1e-15), b.AdjustedPValue.Value * (1 + 1e-15)); // p ≤ BH ≤ Bonferroni (to rounding)
            Assert.Null(c.AdjustedPValue);
        }
        Assert.True(bonf.Dataset.DriftedColumns <= fdr.Dataset.DriftedColumns && fdr.Dataset.DriftedColumns <= plain.Dataset.DriftedColumns);
        Assert.Contains("--correction", Assert.Throws<VigilInputException>(() => Run(refPath, curPath, new DriftOptions { Correction = "holm" })).Message);
    }

    [Fact]
    public void Chunks_ByRowsAndByDay_TestEachSliceAgainstTheWholeReference()
    {
        var (refPath, curPath, x0, x1) = Write(900, 0.4, 8);
        // By rows, in file order: chunks of 400, 400 and 100 rows.
        var byRows = Run(refPath, curPath, new DriftOptions { Columns = ["x", "c"], Chunk = new RowChunk(400) });
        Assert.Equal("400 rows", byRows.ChunkBy);
        Assert.Equal([400L, 400L, 100L], byRows.Chunks!.Select(c => c.Rows));
        Assert.Equal([0L, 400L, 800L], byRows.Chunks!.Select(c => c.FirstRow));
        for (var i = 0; i < 3; i++)
        {
            var slice = x1.Skip(400 * i).Take(400).ToArray();
            var values = ValueCounts.FromSamples(x0, slice);
            var (method, _) = DriftMethodChooser.Choose(values);
            var col = Assert.Single(byRows.Chunks![i].Columns, c => c.Name == "x");
            Assert.Equal(DriftMethods.Run(method, values, named: false), col.Result);
            Assert.Null(col.Distribution);
        }
        // The whole-data result is unchanged by chunking.
        Assert.Equal(Col(Run(refPath, curPath, new DriftOptions { Columns = ["x", "c"] }), "x").Result, Col(byRows, "x").Result);

        // By day, from a timestamp column; rows with no valid timestamp are left out and counted.
        var cur = Path.Combine(_dir, "daily.csv");
        var sb = new StringBuilder("ts,x\n");
        for (var i = 0; i < 300; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{(i == 7 ? "garbage" : $"2026-03-0{1 + i / 100} {i % 24:D2}:00:00")},{x1[i].ToString("R", CultureInfo.InvariantCulture)}\n");
        File.WriteAllText(cur, sb.ToString());
        var byDay = Run(refPath, cur, new DriftOptions { Columns = ["x"], Chunk = new TimeChunk(ChunkUnit.Day), Timestamp = "ts" });
        Assert.Equal(["2026-03-01", "2026-03-02", "2026-03-03"], byDay.Chunks!.Select(c => c.Key));
        Assert.Equal([99L, 100L, 100L], byDay.Chunks!.Select(c => c.Rows));
        Assert.Equal(1, byDay.RowsWithoutChunk);
        var day2 = ValueCounts.FromSamples(x0, x1.Skip(100).Take(100));
        Assert.Equal(DriftMethods.Run(DriftMethodChooser.Choose(day2).Method, day2, named: false), Assert.Single(byDay.Chunks![1].Columns).Result);

        Assert.Contains("--timestamp", Assert.Throws<VigilInputException>(() => Run(refPath, curPath, new DriftOptions { Chunk = new TimeChunk(ChunkUnit.Day), Timestamp = "when" })).Message);
    }

    [Fact]
    public void ChunksByDay_FromEpochNumbers_SameAsFromIsoTimestamps()
    {
        var (refPath, _, _, x1) = Write(600, 0.4, 12);
        // The same 300 rows over three days (midnight to 23:00, a day apart at the edges), timestamped as ISO text, as
        // epoch seconds and as epoch milliseconds.
        string Daily(string name, Func<DateTime, string> format)
        {
            var sb = new StringBuilder("ts,x\n");
            for (var i = 0; i < 300; i++)
            {
                var t = new DateTime(2026, 3, 1 + i / 100, i % 24, 0, 0, DateTimeKind.Utc);
                sb.Append(CultureInfo.InvariantCulture, $"{format(t)},{x1[i].ToString("R", CultureInfo.InvariantCulture)}\n");
            }
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, sb.ToString());
            return path;
        }
        long Epoch(DateTime t) => (long)(t - DateTime.UnixEpoch).TotalSeconds;
        var iso = Run(refPath, Daily("iso.csv", t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            new DriftOptions { Columns = ["x"], Chunk = new TimeChunk(ChunkUnit.Day), Timestamp = "ts" });
        Assert.Equal(["2026-03-01", "2026-03-02", "2026-03-03"], iso.Chunks!.Select(c => c.Key));
        foreach (var (name, format) in new (string, Func<DateTime, string>)[]
                 {
                     ("seconds.csv", t => Epoch(t).ToString(CultureInfo.InvariantCulture)),
                     ("millis.csv", t => (Epoch(t) * 1000).ToString(CultureInfo.InvariantCulture)),
                 })
        {
            var epoch = Run(refPath, Daily(name, format), new DriftOptions { Columns = ["x"], Chunk = new TimeChunk(ChunkUnit.Day), Timestamp = "ts" });
            Assert.Equal(iso.Chunks!.Select(c => (c.Key, c.Start, c.Rows)), epoch.Chunks!.Select(c => (c.Key, c.Start, c.Rows)));
            Assert.Equal(iso.Chunks!.Select(c => Assert.Single(c.Columns).Result), epoch.Chunks!.Select(c => Assert.Single(c.Columns).Result));
            Assert.Equal(0, epoch.RowsWithoutChunk);
        }
    }

    [Fact]
    public void SourceNotes_GoToTheColumnTheyName_WithTheSide()
    {
        // z starts with "inf" in both files: the sniffer types it as text, the reader re-reads it as numbers and says so.
        string File2(string name, double shift)
        {
            var sb = new StringBuilder("x,z\n");
            for (var i = 0; i < 200; i++)
                sb.Append(CultureInfo.InvariantCulture, $"{(i % 10 + shift).ToString("R", CultureInfo.InvariantCulture)},{(i == 0 ? "inf" : (i % 7).ToString(CultureInfo.InvariantCulture))}\n");
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, sb.ToString());
            return path;
        }
        var r = Run(File2("notes-ref.csv", 0), File2("notes-cur.csv", 0.5));
        var note = Col(r, "z").Note;
        Assert.NotNull(note);
        Assert.Contains("reference: read 'z' as numbers", note, StringComparison.Ordinal);
        Assert.Contains("current: read 'z' as numbers", note, StringComparison.Ordinal);
        Assert.Equal(ColumnType.Numerical, Col(r, "z").Type); // numbers (as text it would be categorical)
        Assert.Null(Col(r, "x").Note);
    }

    [Fact]
    public void ThresholdsFromReferenceChunks_MeanPlusThreeSigmaOfTheStatistic()
    {
        var (refPath, curPath, x0, x1) = Write(900, 0.3, 9);
        var r = Run(refPath, curPath, new DriftOptions { Columns = ["x"], Chunk = new RowChunk(300), ThresholdFrom = "reference-chunks" });
        // Expected: ks (reference of 900 rows) on each 300-row reference chunk against the whole reference.
        var stats = Enumerable.Range(0, 3).Select(i => DriftMethods.Run("ks", ValueCounts.FromSamples(x0, x0.Skip(300 * i).Take(300)), named: false).Statistic!.Value).ToArray();
        var mean = stats.Average();
        var threshold = mean + 3 * Math.Sqrt(stats.Sum(v => (v - mean) * (v - mean)) / 3);
        var x = Col(r, "x");
        Assert.Equal("ks", x.Method);
        Assert.Equal(threshold, x.Result!.Threshold, 12);
        var whole = DriftMethods.Run("ks", ValueCounts.FromSamples(x0, x1));
        Assert.Equal(whole.Statistic > threshold, x.Drifted);
        Assert.Contains("learned from 3 reference chunks", x.Reason);
        for (var i = 0; i < 3; i++)
        {
            var c = Assert.Single(r.Chunks![i].Columns);
            Assert.Equal("ks", c.Method);
            var st = DriftMethods.Run("ks", ValueCounts.FromSamples(x0, x1.Skip(300 * i).Take(300)), named: false).Statistic!.Value;
            Assert.Equal(st, c.Result!.Statistic);
            Assert.Equal(st > threshold, c.Drifted);
        }
        Assert.Contains("--chunk", Assert.Throws<VigilInputException>(() => Run(refPath, curPath, new DriftOptions { ThresholdFrom = "reference-chunks" })).Message);
        Assert.Contains("--threshold-from", Assert.Throws<VigilInputException>(() => Run(refPath, curPath, new DriftOptions { Chunk = new RowChunk(300), ThresholdFrom = "history" })).Message);
    }

    [Fact]
    public void LabelAndScoreColumns_AreTargetAndPrediction()
    {
        string File2(string name, int seed, double labelRate)
        {
            var r = new Random(seed);
            var sb = new StringBuilder("amount,actual_label,prediction_score,y_true\n");
            for (var i = 0; i < 500; i++)
                sb.Append(CultureInfo.InvariantCulture, $"{r.Next(100)},{(r.NextDouble() < labelRate ? 1 : 0)},{r.NextDouble().ToString("R", CultureInfo.InvariantCulture)},{r.Next(2)}\n");
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, sb.ToString());
            return path;
        }
        var r = Run(File2("t1.csv", 1, 0.1), File2("t2.csv", 2, 0.5));
        Assert.Equal("target", Col(r, "actual_label").Role);
        Assert.Equal("prediction", Col(r, "prediction_score").Role);
        Assert.Equal("feature", Col(r, "amount").Role);
        Assert.True(Col(r, "actual_label").Drifted);
        // Other names through the options.
        var named = Run(File2("t3.csv", 3, 0.1), File2("t4.csv", 4, 0.1), new DriftOptions { Label = "y_true", Predictions = ["amount"] });
        Assert.Equal("target", Col(named, "y_true").Role);
        Assert.Equal("prediction", Col(named, "amount").Role);
        Assert.Equal("feature", Col(named, "actual_label").Role);
    }

    [Fact]
    public void WideTables_AreCountedInBatches_WithTheSameNumbers()
    {
        const int width = DriftAnalysis.ColumnsPerPass + 9;
        string Wide(string name, int seed, double shift, out double[][] cols)
        {
            var r = new Random(seed);
            cols = Enumerable.Range(0, width).Select(_ => new double[300]).ToArray();
            var sb = new StringBuilder(string.Join(",", Enumerable.Range(0, width).Select(j => $"f{j}")) + "\n");
            for (var i = 0; i < 300; i++)
            {
                for (var j = 0; j < width; j++)
                {
                    cols[j][i] = Math.Round(r.NextDouble() * 10 + shift * (j % 3), 2);
                    sb.Append(cols[j][i].ToString("R", CultureInfo.InvariantCulture)).Append(j == width - 1 ? '\n' : ',');
                }
            }
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, sb.ToString());
            return path;
        }
        var refCsv = Wide("wr.csv", 1, 0, out var a);
        var curCsv = Wide("wc.csv", 2, 0.7, out var b);
        var r = Run(refCsv, curCsv);
        Assert.Equal(width, r.Columns.Count);
        foreach (var j in new[] { 0, 5, DriftAnalysis.ColumnsPerPass - 1, DriftAnalysis.ColumnsPerPass, width - 1 })
            Assert.Equal(DriftMethods.Run("ks", ValueCounts.FromSamples(a[j], b[j])), Col(r, $"f{j}").Result);
        // Parquet is read in smaller passes: the same numbers.
        var pqResult = Run(ToParquet(refCsv), ToParquet(curCsv));
        Assert.Equal(r.Columns.Select(c => (c.Name, c.Result)), pqResult.Columns.Select(c => (c.Name, c.Result)));
    }

    [Fact]
    public void MixedColumns_SameNumbers_InOneStream_InGroups_AndFromTheSamples()
    {
        // 10 numerical columns (groups of DriftAnalysis.ColumnsPerGroup from Parquet) with NaN, inf, empty cells, -0.0
        // and ties, and 3 categorical ones with empty cells, over 2,500 rows (wasserstein and jensenshannon).
        const int nums = 10, cats = 3, rows = 2500;
        string Mixed(string name, int seed, double shift, out List<double?>[] numbers, out List<string?>[] texts)
        {
            var r = new Random(seed);
            numbers = Enumerable.Range(0, nums).Select(_ => new List<double?>()).ToArray();
            texts = Enumerable.Range(0, cats).Select(_ => new List<string?>()).ToArray();
            var sb = new StringBuilder(string.Join(",", Enumerable.Range(0, nums).Select(j => $"n{j}").Concat(Enumerable.Range(0, cats).Select(j => $"s{j}"))) + "\n");
            for (var i = 0; i < rows; i++)
            {
                var cells = new List<string>();
                for (var j = 0; j < nums; j++)
                {
                    double? x = (i + j) % 41 == 0 ? null : (i + j) % 43 == 0 ? double.NaN : (i + j) % 47 == 0 ? double.PositiveInfinity
                        : (i + j) % 13 == 0 ? -0.0 : j % 2 == 0 ? Math.Round(r.NextDouble() * 10 + shift, 4) : r.Next(12) - 6 + (shift > 0 ? 1 : 0);
                    numbers[j].Add(x);
                    cells.Add(x is null ? "" : double.IsNaN(x.Value) ? "nan" : double.IsInfinity(x.Value) ? "inf" : x.Value.ToString("R", CultureInfo.InvariantCulture));
                }
                for (var j = 0; j < cats; j++)
                {
                    var t = (i + j) % 29 == 0 ? null : "k" + r.Next(3 + j * 4 + (shift > 0 ? 1 : 0));
                    texts[j].Add(t);
                    cells.Add(t ?? "");
                }
                sb.Append(string.Join(",", cells)).Append('\n');
            }
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, sb.ToString());
            return path;
        }
        var refCsv = Mixed("mr.csv", 11, 0, out var rn, out var rt);
        var curCsv = Mixed("mc.csv", 12, 0.4, out var cn, out var ct);
        var csv = Run(refCsv, curCsv);
        const string texts = ", all_varchar = false, types = {'s0': 'VARCHAR', 's1': 'VARCHAR', 's2': 'VARCHAR'}";
        var pq = Run(ToParquet(refCsv, texts), ToParquet(curCsv, texts));
        Assert.True(nums > DriftAnalysis.ColumnsPerGroup * 2);
        for (var j = 0; j < nums; j++)
        {
            var expected = ValueCounts.FromSamples(rn[j].Select(x => x ?? double.NaN), cn[j].Select(x => x ?? double.NaN));
            var method = Col(csv, $"n{j}").Method;
            Assert.Equal(DriftMethods.Run(method, expected), Col(csv, $"n{j}").Result);
            Assert.Equal(rn[j].Count(x => x is null || !double.IsFinite(x.Value)), Col(csv, $"n{j}").ReferenceMissing);
            Assert.Equal(expected.Count, Col(csv, $"n{j}").DistinctValues);
        }
        for (var j = 0; j < cats; j++)
        {
            var expected = ValueCounts.FromSamples(rt[j], ct[j]);
            Assert.Equal(DriftMethods.Run("jensenshannon", expected), Col(csv, $"s{j}").Result);
            Assert.Equal(rt[j].Count(x => x is null), Col(csv, $"s{j}").ReferenceMissing);
        }
        Assert.Equal(csv.Columns.Select(c => (c.Name, c.Method, c.Result, c.ReferenceMissing, c.CurrentMissing, c.DistinctValues)),
            pq.Columns.Select(c => (c.Name, c.Method, c.Result, c.ReferenceMissing, c.CurrentMissing, c.DistinctValues)));
        Assert.Equal(csv.Dataset, pq.Dataset);
        Assert.Equal((csv.ReferenceRows, csv.CurrentRows), (pq.ReferenceRows, pq.CurrentRows));
        // The distributions drawn agree too (drawn from the samples or from the merged counts).
        Assert.Equal(csv.Columns.Select(c => c.Distribution?.Reference.Sum()), pq.Columns.Select(c => c.Distribution?.Reference.Sum()));
        Assert.Equal(Col(csv, "n0").Distribution!.Edges, Col(pq, "n0").Distribution!.Edges);
        Assert.Equal(Col(csv, "n0").Distribution!.Current, Col(pq, "n0").Distribution!.Current);
    }

    [Fact]
    public void BadOptions_AreInputErrors()
    {
        var (refPath, curPath, _, _) = Write(100, 0, 6);
        Assert.Contains("'nope'", Assert.Throws<VigilInputException>(() => Run(refPath, curPath, new DriftOptions { Columns = ["nope"] })).Message);
        Assert.Contains("not a drift method", Assert.Throws<VigilInputException>(() => Run(refPath, curPath, new DriftOptions { Method = "magic" })).Message);
        Assert.Contains("--per-column c", Assert.Throws<VigilInputException>(() => Run(refPath, curPath, new DriftOptions { PerColumn = new Dictionary<string, (string?, double?)> { ["c"] = ("ks", null) } })).Message);
        Assert.Contains("no column 'zz'", Assert.Throws<VigilInputException>(() => Run(refPath, curPath, new DriftOptions { PerColumn = new Dictionary<string, (string?, double?)> { ["zz"] = ("ks", null) } })).Message);
        Assert.Contains("--drift-share", Assert.Throws<VigilInputException>(() => Run(refPath, curPath, new DriftOptions { DriftShare = 0 })).Message);
        var header = Path.Combine(_dir, "header.csv");
        File.WriteAllText(header, "prediction_id,timestamp,x,k,c,b,y\n");
        Assert.Throws<VigilInputException>(() => Run(header, curPath));
    }
}
