using System.Globalization;
using System.Security.Cryptography;
using Vigil.Analysis.Columns;
using Vigil.Engine;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Analysis.Review;

/// <summary>One requirement of the list: its keys and values (in order) and where it starts.</summary>
internal sealed record PolicyItem(YamlMappingNode Node, IReadOnlyList<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Entries)
{
    public YamlNode? Get(string key) => Entries.FirstOrDefault(e => e.Key == key).Value;
}

/// <summary>Reads the nodes of a policy file; every mistake becomes one line "policy.yaml: line N: what is wrong".</summary>
internal sealed class PolicyReader(string path, string folder)
{
    public string Path { get; } = path;
    /// <summary>The policy file's folder: relative paths in the policy resolve against it.</summary>
    public string Folder { get; } = folder;

    public VigilInputException Error(YamlNode node, string message) => new($"{Path}: line {node.Start.Line}: {message}");

    public string Scalar(YamlNode node, string what) => node is YamlScalarNode { Value: { Length: > 0 } v }
        ? v
        : throw Error(node, $"{what}, found {ConfigFile.Found(node)}");

    public double Number(YamlNode node, string what)
    {
        var s = Scalar(node, $"{what} expects a number");
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw Error(node, $"{what} expects a number, found '{s}'");
    }

    public long Count(YamlNode node, string what)
    {
        var s = Scalar(node, $"{what} expects a whole number");
        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v
            : throw Error(node, $"{what} expects a whole number ≥ 0, found '{s}'");
    }

    /// <summary>The entries of a mapping, each key known; <paramref name="what"/> names the mapping in messages.</summary>
    public IReadOnlyList<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Mapping(YamlNode node, string what, IReadOnlyCollection<string> known)
    {
        if (node is not YamlMappingNode m) throw Error(node, $"{what} must be a mapping, found {ConfigFile.Found(node)}");
        var list = new List<(string, YamlScalarNode, YamlNode)>();
        foreach (var (k, v) in m.Children)
        {
            if (k is not YamlScalarNode { Value: { } key } ks) throw Error(k, $"expected a key, found {ConfigFile.Found(k)}");
            if (!known.Contains(key)) throw Error(k, $"unknown key '{key}' in {what}; expected {string.Join(", ", known)}");
            if (list.Exists(e => e.Item1 == key)) throw Error(k, $"'{key}' is given twice in {what}");
            list.Add((key, ks, v));
        }
        return list;
    }

    /// <summary>A min and/or max, at least one, min ≤ max.</summary>
    public (double? Min, double? Max) Bounds(YamlNode at, YamlNode? min, YamlNode? max, string what)
    {
        double? lo = min is null ? null : Number(min, $"{what}: 'min'");
        double? hi = max is null ? null : Number(max, $"{what}: 'max'");
        if (lo is null && hi is null) throw Error(at, $"{what} needs a limit: 'min:' and/or 'max:'");
        if (lo > hi) throw Error(min!, $"{what}: min {lo} is above max {hi}");
        return (lo, hi);
    }
}

/// <summary>Reads a review policy (see docs/review.md). Every mistake is one line naming the file and the line,
/// found before any analysis runs.</summary>
internal static class PolicyParser
{
    private static readonly string[] TopKeys = ["model", "columns", "threshold", "requirements"];
    private static readonly string[] ColumnKeys = ["id", "timestamp", "version", "score", "label", "prediction"];

    public static ReviewPolicy Load(string path)
    {
        if (!File.Exists(path)) throw new VigilInputException($"{path}: no such policy file");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VigilInputException($"{path}: cannot read the policy file ({e.Message})");
        }
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        return Parse(new System.Text.UTF8Encoding(false).GetString(bytes), path, folder) with
        {
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
        };
    }

    public static ReviewPolicy Parse(string text, string path, string folder)
    {
        YamlStream yaml = new();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new VigilInputException($"{path}: {ConfigFile.YamlError(text, e)}");
        }
        var p = new PolicyReader(path, folder);
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new VigilInputException($"{path}: line 1: expected a mapping with 'requirements:' (and optionally 'model:', 'columns:', 'threshold:')");

        var model = new Dictionary<string, string>();
        var columns = new MappingOptions();
        double? threshold = null;
        List<IRequirement>? requirements = null;
        foreach (var (key, keyNode, value) in p.Mapping(root, "the policy", TopKeys))
        {
            switch (key)
            {
                case "model":
                    if (value is YamlScalarNode { Value: null or "" }) break;
                    foreach (var (k, _, v) in p.Mapping(value, "'model'", PolicyKeys.Model))
                        model[k] = p.Scalar(v, $"model.{k} expects text");
                    break;
                case "columns":
                    if (value is YamlScalarNode { Value: null or "" }) break;
                    foreach (var (k, _, v) in p.Mapping(value, "'columns'", ColumnKeys))
                    {
                        var name = p.Scalar(v, $"columns.{k} expects a column name");
                        columns = k switch
                        {
                            "id" => columns with { Id = name },
                            "timestamp" => columns with { Timestamp = name },
                            "version" => columns with { Version = name },
                            "score" => columns with { Score = name },
                            "label" => columns with { Label = name },
                            _ => columns with { Prediction = name },
                        };
                    }
                    break;
                case "threshold":
                    threshold = p.Number(value, "'threshold'");
                    if (threshold is < 0 or > 1) throw p.Error(value, $"'threshold' is {threshold}, outside [0, 1]; a score threshold is a probability");
                    break;
                default:
                    if (value is not YamlSequenceNode seq)
                        throw p.Error(value, $"'requirements' must be a list ('- metric: roc_auc' ...), found {ConfigFile.Found(value)}");
                    requirements = [.. seq.Children.Select(n => ParseRequirement(p, n))];
                    _ = keyNode;
                    break;
            }
        }
        if (requirements is null or { Count: 0 })
            throw p.Error(root, "the policy has no requirements; add a 'requirements:' list (see docs/review.md)");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in requirements)
            if (!names.Add(r.Name))
                throw new VigilInputException($"{path}: two requirements are named '{r.Name}'; give one a different 'name:'");
        return new ReviewPolicy { Path = path, Sha256 = "", Model = model, Columns = columns, Threshold = threshold, Requirements = requirements };
    }

    private static IRequirement ParseRequirement(PolicyReader p, YamlNode node)
    {
        if (node is not YamlMappingNode m)
            throw p.Error(node, $"a requirement must be a mapping ('- metric: roc_auc', '- drift: {{...}}'), found {ConfigFile.Found(node)}");
        var entries = new List<(string, YamlScalarNode, YamlNode)>();
        foreach (var (k, v) in m.Children)
        {
            if (k is not YamlScalarNode { Value: { } key } ks) throw p.Error(k, $"expected a key, found {ConfigFile.Found(k)}");
            entries.Add((key, ks, v));
        }
        var item = new PolicyItem(m, entries);
        IRequirementKind? kind = null;
        foreach (var (key, keyNode, _) in entries)
        {
            if (key == "name") continue;
            if (RequirementKinds.Find(key) is { } found)
            {
                if (kind is not null) throw p.Error(keyNode, $"a requirement has one kind; '{kind.Key}' and '{key}' are two (make them two list items)");
                kind = found;
            }
            else if (RequirementKinds.NotYetAvailable.TryGetValue(key, out var why))
                throw p.Error(keyNode, $"requirement '{key}' is not available: {why}");
        }
        if (kind is null)
        {
            var first = entries.FirstOrDefault(e => e.Item1 != "name");
            throw p.Error(first.Item2 ?? (YamlNode)m,
                $"unknown requirement kind{(first.Item1 is null ? "" : $" '{first.Item1}'")}; expected one of {string.Join(", ", RequirementKinds.All.Select(k => k.Key))}");
        }
        string? name = item.Get("name") is { } n ? p.Scalar(n, "'name' expects text") : null;
        return kind.Parse(p, item, name);
    }
}

/// <summary>Key lists shared by the parser and the kinds.</summary>
internal static class PolicyKeys
{
    public static readonly IReadOnlyList<string> Model = ReviewPolicy.ModelKeys;
}
