// The learning benchmark (bench/run-learning-bench.sh):
//   Vigil.Bench.Learning DATADIR OUTJSON [fit|shap|all] [SHAP_ROWS]
// fit:  GradientBoostedTrees.Fit on the train split with scikit-learn's settings of baseline_learning.py, R² on the rest;
//       then TreeSHAP on Vigil's own model for SHAP_ROWS test rows;
// shap: xgboost's dump (written by baseline_learning.py) loaded, TreeSHAP on SHAP_ROWS test rows (best of 2), compared
//       with xgboost's pred_contribs.
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Statistics.Learning;

string data = args[0];
string outPath = args[1];
string what = args.Length > 2 ? args[2] : "all";
int shapRows = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 10_000;

using JsonDocument meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "meta.json")));
int n = meta.RootElement.GetProperty("rows").GetInt32();
int nTrain = meta.RootElement.GetProperty("n_train").GetInt32();
string[] names = [.. meta.RootElement.GetProperty("names").EnumerateArray().Select(e => e.GetString()!)];
bool[] categorical = [.. meta.RootElement.GetProperty("categorical").EnumerateArray().Select(e => e.GetBoolean())];
var result = new JsonObject { ["rows"] = n, ["train_rows"] = nTrain, ["features"] = names.Length };

var clock = Stopwatch.StartNew();
double[] all = ReadDoubles(Path.Combine(data, "X.f64"), (long)n * names.Length);
double[] y = ReadDoubles(Path.Combine(data, "y.f64"), n);
FeatureMatrix Slice(int from, int to, bool xgboostNames)
{
    var cols = new List<FeatureColumn>();
    for (int j = 0; j < names.Length; j++)
    {
        double[] v = all.AsSpan(j * n + from, to - from).ToArray();
        string name = xgboostNames ? "f" + j : names[j];
        if (categorical[j] && !xgboostNames)
        {
            int k = (int)v.Where(d => !double.IsNaN(d)).DefaultIfEmpty(0).Max() + 1;
            cols.Add(FeatureColumn.Categorical(name, [.. v.Select(d => double.IsNaN(d) ? -1 : (int)d)],
                [.. Enumerable.Range(0, k).Select(c => "k" + c)]));
        }
        else
        {
            cols.Add(FeatureColumn.Numeric(name, v));
        }
    }
    return new FeatureMatrix(cols);
}
result["read_seconds"] = clock.Elapsed.TotalSeconds;
FeatureMatrix test = Slice(nTrain, n, xgboostNames: false);
double[] yTest = y[nTrain..];
int[] shapSubset = [.. Enumerable.Range(0, Math.Min(shapRows, test.RowCount))];

if (what is "fit" or "all")
{
    FeatureMatrix train = Slice(0, nTrain, xgboostNames: false);
    var options = new GradientBoostingOptions
    {
        MaxIterations = 100, LearningRate = 0.1, MaxLeafNodes = 31, MinSamplesLeaf = 20, MaxBins = 255,
        EarlyStopping = EarlyStoppingMode.Auto, ValidationFraction = 0.1, NIterNoChange = 10, Tolerance = 1e-7,
    };
    TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    clock.Restart();
    var model = GradientBoostedTrees.Fit(train, y.AsSpan(0, nTrain), options);
    result["fit_seconds"] = clock.Elapsed.TotalSeconds;
    result["fit_cpu_seconds"] = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    result["iterations"] = model.TreeCount;
    result["stopped_early"] = model.Report!.StoppedEarly;
    clock.Restart();
    double[] pred = model.Predict(test);
    result["predict_seconds"] = clock.Elapsed.TotalSeconds;
    result["r2"] = R2(yTest, pred);
    Console.Error.WriteLine($"vigil fit {result["fit_seconds"]:F2} s ({model.TreeCount} trees), R² {result["r2"]}");
    clock.Restart();
    double[,] own = model.ShapValues(test, out _, shapSubset);
    result["own_shap_seconds"] = clock.Elapsed.TotalSeconds;
    GC.KeepAlive(own);
}

if (what is "shap" or "all")
{
    double baseScore = ReadBaseScore(outPath);
    var xgbModel = GradientBoostedTrees.FromXgboostJson(File.ReadAllText(Path.Combine(data, "xgb_dump.json")), baseScore,
        featureCount: names.Length);
    FeatureMatrix xtest = Slice(nTrain, nTrain + shapSubset.Length, xgboostNames: true);
    xgbModel.ShapValues(xtest, out _, [.. shapSubset.Take(500)]);  // warm-up
    var times = new List<double>();
    var cpu = new List<double>();
    double[,] shap = new double[0, 0];
    double expected = 0;
    for (int rep = 0; rep < 2; rep++)
    {
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        clock.Restart();
        shap = xgbModel.ShapValues(xtest, out expected);
        times.Add(clock.Elapsed.TotalSeconds);
        cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
    }
    result["xgb_trees_shap_cpu_seconds"] = cpu.Min();
    result["xgb_trees_shap_seconds"] = times.Min();
    result["xgb_trees_shap_all_seconds"] = new JsonArray([.. times.Select(t => (JsonNode)t)]);
    double[] want = ReadDoubles(Path.Combine(data, "xgb_contribs.f64"), (long)shapSubset.Length * (names.Length + 1));
    double maxDiff = 0;
    for (int i = 0; i < shapSubset.Length; i++)
    {
        for (int j = 0; j < names.Length; j++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(want[i * (names.Length + 1) + j] - shap[i, j]));
        }
        maxDiff = Math.Max(maxDiff, Math.Abs(want[i * (names.Length + 1) + names.Length] - expected));
    }
    result["xgb_trees_shap_max_abs_diff"] = maxDiff;
    Console.Error.WriteLine($"vigil TreeSHAP on xgboost's trees, {shapSubset.Length} rows: {times.Min():F3} s ({cpu.Min():F2} s CPU), max |diff| {maxDiff:E2}");
}

File.WriteAllText(outPath + ".vigil.json", result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
return 0;

static double ReadBaseScore(string baselineJson)
{
    using JsonDocument d = JsonDocument.Parse(File.ReadAllText(baselineJson));
    return d.RootElement.GetProperty("xgb_base_score").GetDouble();
}

static double[] ReadDoubles(string path, long count)
{
    var v = new double[count];
    using FileStream fs = File.OpenRead(path);
    fs.ReadExactly(MemoryMarshal.AsBytes(v.AsSpan()));
    return v;
}

static double R2(double[] y, double[] p)
{
    double mean = y.Average(), ss = 0, st = 0;
    for (int i = 0; i < y.Length; i++)
    {
        ss += (y[i] - p[i]) * (y[i] - p[i]);
        st += (y[i] - mean) * (y[i] - mean);
    }
    return 1 - ss / st;
}
