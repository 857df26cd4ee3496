namespace Vigil.Analysis.Slicing;

/// <summary>One slice's key: each segment part's value as text (null for a null value) and the chunk's number (a
/// period's start in seconds since the epoch, or the chunk's index from 0; NaN for a row that has no chunk, such as
/// one without a valid timestamp; null when the slicing has no chunk). Equal keys are equal values, segments compared
/// ordinally.</summary>
internal sealed class SliceKey : IEquatable<SliceKey>
{
    private readonly string?[] _segments;

    public SliceKey(string?[] segments, double? chunk = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        _segments = segments;
        Chunk = chunk;
    }

    /// <summary>The key of every row when nothing is cut.</summary>
    public static SliceKey Empty { get; } = new([]);

    public IReadOnlyList<string?> Segments => _segments;

    public double? Chunk { get; }

    /// <summary>Whether the row has no chunk (its chunk's number is null, e.g. a null or unparseable timestamp).</summary>
    public bool WithoutChunk => Chunk is { } c && double.IsNaN(c);

    public bool Equals(SliceKey? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (_segments.Length != other._segments.Length || Chunk.HasValue != other.Chunk.HasValue) return false;
        for (var i = 0; i < _segments.Length; i++)
            if (!string.Equals(_segments[i], other._segments[i], StringComparison.Ordinal)) return false;
        return Chunk is not { } c || c.Equals(other.Chunk!.Value); // double.Equals: NaN equals NaN
    }

    public override bool Equals(object? obj) => Equals(obj as SliceKey);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var s in _segments) h.Add(s, StringComparer.Ordinal);
        h.Add(Chunk);
        return h.ToHashCode();
    }

    public override string ToString() =>
        string.Join(", ", _segments.Select(s => s ?? "null")) + (Chunk is { } c ? $" @{c}" : "");

    /// <summary>Slices in order: segment values ordinally, a null first (as <c>NULLS FIRST</c> orders them), then the
    /// chunk ascending, rows without a chunk first.</summary>
    public static IComparer<SliceKey> Order { get; } = Comparer<SliceKey>.Create(Compare);

    private static int Compare(SliceKey? a, SliceKey? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        var n = Math.Min(a._segments.Length, b._segments.Length);
        for (var i = 0; i < n; i++)
        {
            var c = (a._segments[i], b._segments[i]) switch
            {
                (null, null) => 0,
                (null, _) => -1,
                (_, null) => 1,
                var (x, y) => string.CompareOrdinal(x, y),
            };
            if (c != 0) return c;
        }
        if (a._segments.Length != b._segments.Length) return a._segments.Length.CompareTo(b._segments.Length);
        return Nullable.Compare(a.Chunk, b.Chunk); // double ordering puts NaN first
    }
}
