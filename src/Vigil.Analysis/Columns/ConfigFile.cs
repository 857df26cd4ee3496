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
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VigilInputException($"{path}: cannot read the config file ({e.Message})");
        }
        return Parse(text, path);
    }

    /// <summary>Reads a column mapping from YAML text; every mistake is one line naming <paramref name="path"/> and the
    /// line, never a parser's or a cast's exception.</summary>
    public static MappingOptions Parse(string text, string path)
    {
        YamlStream yaml = new();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new VigilInputException($"{path}: {YamlError(text, e)}");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is YamlScalarNode { Value: null or "" }) return new MappingOptions();
        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw Error(path, yaml.Documents[0].RootNode, $"expected a mapping with 'columns:' and 'task:' at the top, found {Found(yaml.Documents[0].RootNode)}");

        var result = new MappingOptions();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = Key(path, keyNode);
            switch (key)
            {
                case "columns":
                    if (value is YamlScalarNode { Value: null or "" }) break;
                    if (value is not YamlMappingNode cols)
                        throw Error(path, value, $"'columns' must be a mapping of column roles (role: column name), found {Found(value)}");
                    foreach (var (ck, cv) in cols.Children)
                    {
                        var role = Key(path, ck);
                        if (role == "features")
                        {
                            var list = cv switch
                            {
                                YamlSequenceNode seq => seq.Children.Select(n => Scalar(path, n, "a column name in 'features'")).ToArray(),
                                YamlScalarNode s => (s.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                                _ => throw Error(path, cv, $"'features' must be a list of column names, found {Found(cv)}"),
                            };
                            result = result with { Features = list };
                            continue;
                        }
                        if (!ColumnKeys.Contains(role))
                            throw Error(path, ck, $"unknown column role '{role}'; expected one of {string.Join(", ", ColumnKeys)}");
                        var name = Scalar(path, cv, $"'{role}' expects a column name");
                        result = role switch
                        {
                            "id" => result with { Id = name },
                            "timestamp" => result with { Timestamp = name },
                            "version" => result with { Version = name },
                            "score" => result with { Score = name },
                            "label" => result with { Label = name },
                            _ => result with { Prediction = name },
                        };
                    }
                    break;
                case "task":
                    result = result with { Task = ParseTask(Scalar(path, value, "'task' expects binary, multiclass or regression"), $"{path}: line {value.Start.Line}: task") };
                    break;
                default:
                    // Other sections (monitors, drift, ...) belong to other commands; unknown top-level keys are tolerated.
                    break;
            }
        }
        return result;
    }

    /// <summary>What a node is, for "found ..." in messages.</summary>
    internal static string Found(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode { Value: null or "" } => "nothing",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "an alias",
    };

    /// <summary>"line N: what is wrong" for a YAML syntax error: YamlDotNet's message, or, when a line near the error
    /// indents with a tab (YAML indents with spaces only), that line and a hint.</summary>
    internal static string YamlError(string text, YamlException e)
    {
        string message = FirstLine(e.Message);
        string[] lines = text.Split('\n');
        long at = e.Start.Line;
        // YamlDotNet reports a tab on its own line or on a token before or after it.
        for (long l = Math.Max(1, at - 1); l <= Math.Min(lines.Length, at + 1); l++)
        {
            string line = lines[l - 1];
            if (line[..(line.Length - line.TrimStart(' ', '\t').Length)].Contains('\t', StringComparison.Ordinal))
                return $"line {l}: a tab is used for indentation; YAML indents with spaces only";
        }
        return $"line {at}: not valid YAML: {message}";
    }

    private static VigilInputException Error(string path, YamlNode node, string message) => new($"{path}: line {node.Start.Line}: {message}");

    private static string Key(string path, YamlNode node) => node is YamlScalarNode { Value: { } v }
        ? v
        : throw Error(path, node, $"expected a key, found {Found(node)}");

    private static string Scalar(string path, YamlNode node, string what) => node is YamlScalarNode { Value: { Length: > 0 } v }
        ? v
        : throw Error(path, node, $"{what}, found {Found(node)}");

    public static ModelTask ParseTask(string value, string where) => value.Trim().ToLowerInvariant() switch
    {
        "binary" => ModelTask.Binary,
        "multiclass" => ModelTask.Multiclass,
        "regression" => ModelTask.Regression,
        _ => throw new VigilInputException($"{where}: '{value}' is not a task; expected binary, multiclass or regression"),
    };

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
