using Vigil.Analysis.Results;

namespace Vigil.Analysis.Columns;

/// <summary>Which columns play which role, as the user gave them (flags or vigil.yaml). Null means "use the default name
/// if that column exists".</summary>
public sealed record MappingOptions
{
    /// <summary>Default column names, matching a typical prediction log.</summary>
    public const string DefaultId = "prediction_id";
    /// <summary>The id's name when there is no <see cref="DefaultId"/> column and no --id.</summary>
    public const string FallbackId = "id";
    public const string DefaultTimestamp = "timestamp";
    public const string DefaultVersion = "model_version";
    public const string DefaultScore = "prediction_score";
    public const string DefaultLabel = "actual_label";
    public const string DefaultPrediction = "prediction";

    public string? Id { get; init; }
    public string? Timestamp { get; init; }
    public string? Version { get; init; }
    public string? Score { get; init; }
    public string? Label { get; init; }
    public string? Prediction { get; init; }
    /// <summary>Feature columns; null means every column that plays no other role.</summary>
    public IReadOnlyList<string>? Features { get; init; }
    /// <summary>binary, multiclass or regression; null means detect.</summary>
    public ModelTask? Task { get; init; }

    /// <summary>Values set here win over those of <paramref name="fallback"/> (flags over the config file).</summary>
    public MappingOptions Over(MappingOptions fallback) => new()
    {
        Id = Id ?? fallback.Id,
        Timestamp = Timestamp ?? fallback.Timestamp,
        Version = Version ?? fallback.Version,
        Score = Score ?? fallback.Score,
        Label = Label ?? fallback.Label,
        Prediction = Prediction ?? fallback.Prediction,
        Features = Features ?? fallback.Features,
        Task = Task ?? fallback.Task,
    };
}

/// <summary>What a command needs from the columns.</summary>
[Flags]
public enum ColumnNeeds
{
    None = 0,
    Label = 1,
    ScoreOrPrediction = 2,
    Timestamp = 4,
}
