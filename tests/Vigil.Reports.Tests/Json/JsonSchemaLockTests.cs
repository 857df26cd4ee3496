using System.Text.Json;

namespace Vigil.Reports.Tests.Json;

/// <summary>Every field path the documents had stays (serializing the records directly means that renaming a record's
/// property would rename a documented field), and a new one is noticed: it is added to schema-paths.txt and to
/// docs/json-schema.md. Set VIGIL_UPDATE_SCHEMA_PATHS=1 to rewrite the file from the fixtures.</summary>
public class JsonSchemaLockTests
{
    /// <summary>Objects whose keys are data (metric names, exclusion reasons, segment columns), not fields.</summary>
    private static readonly HashSet<string> Maps = ["metrics", "undefined", "notes", "excluded", "key", "segment", "difference", "reference_excluded", "current_excluded"];

    private static IEnumerable<string> Paths(string kind, JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var isMap = Maps.Contains(path[(path.LastIndexOf('.') + 1)..]);
                foreach (var p in e.EnumerateObject())
                {
                    var child = path + "." + (isMap ? "*" : p.Name);
                    yield return kind + child;
                    foreach (var x in Paths(kind, p.Value, child)) yield return x;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                    foreach (var x in Paths(kind, item, path + "[]")) yield return x;
                break;
        }
    }

    private static SortedSet<string> Actual()
    {
        var docs = new (string Kind, string Json)[]
        {
            ("evaluation", JsonReport.ToJson(JsonFixtures.WithFindings())),
            ("evaluation", JsonReport.ToJson(Fixtures.Multiclass())),
            ("evaluation", JsonReport.ToJson(Fixtures.Regression())),
            ("summary", JsonReport.ToJson(Fixtures.Summary())),
            ("drift", JsonReport.ToJson(JsonFixtures.Drift())),
            ("segments", JsonReport.ToJson(JsonFixtures.Segments())),
            ("profile", ProfileReport.ToJson(JsonFixtures.Profile())),
            ("comparison", JsonReport.ToJson(JsonFixtures.Comparison())),
            ("explanation", JsonReport.ToJson(JsonFixtures.Explanation())),
            ("diagnosis", JsonReport.ToJson(DiagnosisFixtures.Mixed())),
            ("review", JsonReport.ToJson(ReviewFixtures.Failed())),
            ("estimation", JsonReport.ToJson(JsonFixtures.Estimation())),
            ("estimation", JsonReport.ToJson(JsonFixtures.EstimationMulticlass())),
            ("fairness", JsonReport.ToJson(FairnessFixtures.Audit())),
        };
        return new SortedSet<string>(docs.SelectMany(d => Paths(d.Kind, JsonDocument.Parse(d.Json).RootElement, "")), StringComparer.Ordinal);
    }

    private static string File_ => Path.Combine(FindRepo(), "tests", "Vigil.Reports.Tests", "Json", "schema-paths.txt");

    private static string FindRepo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "json-schema.md"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void DocumentedFieldPaths_StayAndNewOnesAreListed()
    {
        var actual = Actual();
        if (Environment.GetEnvironmentVariable("VIGIL_UPDATE_SCHEMA_PATHS") == "1") File.WriteAllLines(File_, actual);
        var expected = new SortedSet<string>(File.ReadAllLines(File_).Where(l => l.Length > 0 && !l.StartsWith('#')), StringComparer.Ordinal);
        var gone = expected.Except(actual).ToList();
        Assert.True(gone.Count == 0, "fields gone from the JSON (a breaking change: keep the name with [JsonPropertyName], or bump " +
            "schema_version and note it in docs/json-schema.md): " + string.Join(", ", gone));
        var added = actual.Except(expected).ToList();
        Assert.True(added.Count == 0, "new fields in the JSON: document them in docs/json-schema.md (and its Changes section) and add them to " +
            "tests/Vigil.Reports.Tests/Json/schema-paths.txt (VIGIL_UPDATE_SCHEMA_PATHS=1 rewrites it): " + string.Join(", ", added));
    }
}
