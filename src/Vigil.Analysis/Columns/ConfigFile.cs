using Vigil.Analysis.Results;
using Vigil.Engine;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Analysis.Columns;

/// <summary>Reads the column mapping from a vigil.yaml:
/// <code>
/// columns:
///   id: prediction_id
///   timestamp: ts
///   version: model_version
///   score: score
///   label: is_fraud
///   prediction: predicted_class
///   features: [amount, country]
/// task: binary
/// </code></summary>
internal static class ConfigFile
{
    public const string DefaultName = "vigil.yaml";

    private static readonly string[] ColumnKeys = ["id", "timestamp", "version", "score", "label", "prediction", "features"];

    public static MappingOptions Load(string path)
    {
        if (!File.Exists(path)) throw new VigilInputException($"{path}: no such config file");
        YamlStream yaml = new();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new VigilInputException($"{path}: line {e.Start.Line}: not valid YAML: {FirstLine(e.Message)}");
        }
        if (yaml.Documents.Count == 0) return new MappingOptions();
        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new VigilInputException($"{path}: expected a mapping with 'columns:' and 'task:' at the top");

        var result = new MappingOptions();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value;
            switch (key)
            {
                case "columns":
                    if (value is not YamlMappingNode cols)
                        throw new VigilInputException($"{path}: line {value.Start.Line}: 'columns' must be a mapping of role: column");
                    foreach (var (ck, cv) in cols.Children)
                    {
                        var role = ((YamlScalarNode)ck).Value ?? "";
                        if (role == "features")
                        {
                            var list = cv switch
                            {
                                YamlSequenceNode seq => seq.Children.Select(n => Scalar(path, n)).ToArray(),
                                YamlScalarNode s => (s.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                                _ => throw new VigilInputException($"{path}: line {cv.Start.Line}: 'features' must be a list of column names"),
                            };
                            result = result with { Features = list };
                            continue;
                        }
                        var name = Scalar(path, cv);
                        result = role switch
                        {
                            "id" => result with { Id = name },
                            "timestamp" => result with { Timestamp = name },
                            "version" => result with { Version = name },
                            "score" => result with { Score = name },
                            "label" => result with { Label = name },
                            "prediction" => result with { Prediction = name },
                            _ => throw new VigilInputException($"{path}: line {ck.Start.Line}: unknown column role '{role}'; expected one of {string.Join(", ", ColumnKeys)}"),
                        };
                    }
                    break;
                case "task":
                    result = result with { Task = ParseTask(Scalar(path, value), $"{path}: line {value.Start.Line}: task") };
                    break;
                default:
                    // Other sections (monitors, drift, ...) belong to other commands; unknown top-level keys are tolerated.
                    break;
            }
        }
        return result;
    }

    public static ModelTask ParseTask(string value, string where) => value.Trim().ToLowerInvariant() switch
    {
        "binary" => ModelTask.Binary,
        "multiclass" => ModelTask.Multiclass,
        "regression" => ModelTask.Regression,
        _ => throw new VigilInputException($"{where}: '{value}' is not a task; expected binary, multiclass or regression"),
    };

    private static string Scalar(string path, YamlNode node) => node is YamlScalarNode { Value: { } v }
        ? v
        : throw new VigilInputException($"{path}: line {node.Start.Line}: expected a column name");

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
