namespace Vigil.Engine.DuckDb;

/// <summary>An error reported by DuckDB; <see cref="Exception.Message"/> is DuckDB's own text.</summary>
internal sealed class DuckDbException : Exception
{
    public DuckDbException(string message) : base(message) { }

    /// <summary>The first line of DuckDB's message, trimmed (DuckDB often adds context lines).</summary>
    public string FirstLine
    {
        get
        {
            string m = Message.Trim();
            int nl = m.IndexOf('\n');
            return (nl < 0 ? m : m[..nl]).Trim();
        }
    }
}
