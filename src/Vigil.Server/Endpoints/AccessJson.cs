namespace Vigil.Server;

// Response records of the dashboard's access and window endpoints (docs/dashboard.md); serialized through WireJson.

/// <summary><c>GET /v1/session</c>: the logged-in key's name and scopes, and whether it may act on incidents and silences.</summary>
internal sealed record SessionJson(string Name, IReadOnlyList<string> Scopes, bool CanAct);

/// <summary><c>GET /v1/models/{model}/evaluation</c> on a window without labelled predictions.</summary>
internal sealed record EvaluationEmptyJson(long Rows, string Note);

/// <summary><c>GET /v1/models/{model}/quality</c>: the window, its rows, the reference the ranges and categories come from
/// (null: none), and the findings, most severe first.</summary>
internal sealed record QualityJson(string Model, DateTime From, DateTime To, long Rows, string? Reference, IReadOnlyList<QualityFindingJson> Findings, string? Note);

/// <summary>One data-quality finding on a window: how bad, which check, which column (null: the row as a whole), how many
/// rows, and one line saying it.</summary>
internal sealed record QualityFindingJson(
    [property: OpenApiEnum("info", "warning", "error")] string Severity, string Check, string? Column, long Count, double Rate, string Message);
