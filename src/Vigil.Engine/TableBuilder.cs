namespace Vigil.Engine;

/// <summary>Builds a <see cref="Table"/> column by column; used by the engines when reading results.</summary>
internal sealed class TableBuilder
{
    private readonly string[] _names;
    private readonly ColumnBuilder[] _columns;

    public TableBuilder(IReadOnlyList<string> names, IReadOnlyList<ColumnKind> kinds, int capacity = 16)
    {
        if (names.Count != kinds.Count) throw new ArgumentException("names and kinds differ in length");
        _names = [.. names];
        _columns = new ColumnBuilder[kinds.Count];
        for (int i = 0; i < _columns.Length; i++) _columns[i] = new ColumnBuilder(kinds[i], Math.Max(capacity, 1));
    }

    public int RowCount { get; private set; }

    public ColumnBuilder Column(int col) => _columns[col];

    /// <summary>Makes room for <paramref name="rows"/> more rows in every column.</summary>
    public void Reserve(int rows)
    {
        foreach (ColumnBuilder c in _columns) c.EnsureCapacity(RowCount + rows);
    }

    /// <summary>Declares that every column now holds <paramref name="rows"/> more values.</summary>
    public void Advance(int rows) => RowCount += rows;

    public Table Build()
    {
        var cols = new TableColumn[_columns.Length];
        for (int i = 0; i < cols.Length; i++) cols[i] = _columns[i].ToColumn();
        return new Table(_names, cols, RowCount);
    }

    /// <summary>Clears all rows and writes the next ones into the same buffers: a table built before shows the new
    /// values afterwards, so only a reader that is done with it may call this (see <see cref="IQueryEngine.Stream"/>).</summary>
    public void Clear()
    {
        RowCount = 0;
        foreach (ColumnBuilder c in _columns)
        {
            if (c.Nulls is not null) Array.Clear(c.Nulls);
        }
    }

    /// <summary>Clears all rows, keeping names, kinds and buffers (buffers of a built table are not reused).</summary>
    public void Reset(int capacity)
    {
        RowCount = 0;
        for (int i = 0; i < _columns.Length; i++) _columns[i] = new ColumnBuilder(_columns[i].InitialKind, Math.Max(capacity, 1));
    }
}

/// <summary>One growable column. Values are written at explicit row indexes (after <see cref="TableBuilder.Reserve"/>).</summary>
internal sealed class ColumnBuilder
{
    public ColumnBuilder(ColumnKind kind, int capacity)
    {
        Kind = kind;
        InitialKind = kind;
        switch (kind)
        {
            case ColumnKind.Double: Doubles = new double[capacity]; break;
            case ColumnKind.String: Strings = new string?[capacity]; break;
            default: Longs = new long[capacity]; break;
        }
    }

    public ColumnKind Kind { get; private set; }

    public ColumnKind InitialKind { get; }

    public long[]? Longs;
    public double[]? Doubles;
    public string?[]? Strings;
    public bool[]? Nulls;

    private int Capacity => Longs?.Length ?? Doubles?.Length ?? Strings!.Length;

    public void EnsureCapacity(int n)
    {
        int cap = Capacity;
        if (n <= cap) return;
        int newCap = Math.Max(n, cap * 2);
        if (Longs is not null) Array.Resize(ref Longs, newCap);
        if (Doubles is not null) Array.Resize(ref Doubles, newCap);
        if (Strings is not null) Array.Resize(ref Strings, newCap);
        if (Nulls is not null) Array.Resize(ref Nulls, newCap);
    }

    public void SetNull(int row)
    {
        Nulls ??= new bool[Capacity];
        Nulls[row] = true;
        if (Doubles is not null) Doubles[row] = double.NaN;
        else if (Longs is not null) Longs[row] = 0;
        else Strings![row] = null;
    }

    /// <summary>Turns an Int64 column into a Double column (for HUGEINT / UBIGINT values that do not fit).</summary>
    public void PromoteToDouble(int rowsSoFar)
    {
        if (Kind == ColumnKind.Double) return;
        if (Kind != ColumnKind.Int64) throw new InvalidOperationException("only Int64 columns can be promoted");
        var d = new double[Longs!.Length];
        for (int i = 0; i < rowsSoFar; i++) d[i] = Nulls is not null && Nulls[i] ? double.NaN : Longs[i];
        Doubles = d;
        Longs = null;
        Kind = ColumnKind.Double;
    }

    public void SetInt64(int row, long v)
    {
        if (Longs is not null) Longs[row] = v;
        else Doubles![row] = v;
    }

    public void SetDouble(int row, double v) => Doubles![row] = v;

    internal TableColumn ToColumn() => new()
    {
        Kind = Kind,
        Longs = Longs,
        DoubleValues = Doubles,
        Strings = Strings,
        Nulls = Nulls,
    };
}
