namespace Vigil.Analysis;

/// <summary>Receives the stages of a long analysis, for a progress display. The engine's own progress
/// (<c>IQueryEngine.Progress</c>) gives the fraction done within a stage.</summary>
internal interface IAnalysisProgress
{
    void Stage(string description);
}

internal sealed class NoProgress : IAnalysisProgress
{
    public static readonly NoProgress Instance = new();
    public void Stage(string description) { }
}
