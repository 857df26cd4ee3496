using System.Globalization;

namespace Vigil.Engine.ClickHouse;

/// <summary>Where a ClickHouse server's HTTP interface is and who to be there: from
/// <c>clickhouse://user:password@host:8123/database</c> (or <c>clickhouses://</c> for HTTPS, port 8443 by default).</summary>
internal sealed record ClickHouseConnectionInfo
{
    /// <summary>http(s)://host:port/ of the HTTP interface.</summary>
    public required Uri Endpoint { get; init; }

    public string User { get; init; } = "default";

    public string Password { get; init; } = "";

    public string Database { get; init; } = "default";

    /// <summary>How long to wait for a connection (the query itself has no time limit).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The cluster (a name in the server's <c>remote_servers</c>) that a store spreads its tables over
    /// (<c>?cluster=</c>); null for a single server. Analyses ignore it.</summary>
    public string? Cluster { get; init; }

    /// <summary>The HTTP endpoints of the cluster's shards, one per shard (<c>?shards=host:port,host:port</c>), where a store
    /// creates its local tables (18.16 has no <c>ON CLUSTER</c> DDL without ZooKeeper). Analyses ignore it.</summary>
    public IReadOnlyList<Uri> Shards { get; init; } = [];

    /// <summary>A store's DuckDB file for its own small tables (<c>?state=path</c>); null for the default. Analyses ignore it.</summary>
    public string? State { get; init; }

    /// <summary>The same user and database at another server of the cluster.</summary>
    public ClickHouseConnectionInfo At(Uri endpoint) => this with { Endpoint = endpoint };

    /// <summary>The URL as a person may see it: the password replaced by ***.</summary>
    public string Shown => $"{(Endpoint.Scheme == "https" ? "clickhouses" : "clickhouse")}://{Uri.EscapeDataString(User)}{(Password.Length > 0 ? ":***" : "")}@{Endpoint.Authority}/{Database}";

    /// <summary>True for clickhouse:// and clickhouses:// URLs.</summary>
    public static bool IsUrl(string input) =>
        input.StartsWith("clickhouse://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("clickhouses://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>clickhouse[s]://[user[:password]@]host[:port][/database]</c>; a one-line
    /// <see cref="VigilInputException"/> (password redacted) when it is not one.</summary>
    public static ClickHouseConnectionInfo FromUrl(string url, string shown)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!IsUrl(url) || !Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
            throw new VigilInputException($"{shown}: not a valid ClickHouse URL; expected clickhouse://user:password@host:8123/database");
        bool https = uri.Scheme.Equals("clickhouses", StringComparison.OrdinalIgnoreCase);
        int port = uri.Port > 0 ? uri.Port : https ? 8443 : 8123;
        string user = "default", password = "";
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            int colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            if (user.Length == 0) user = "default";
        }
        string db = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (db.Contains('/', StringComparison.Ordinal))
            throw new VigilInputException($"{shown}: the URL's path must be one database name, not \"{db}\"");
        string host = uri.Host.Contains(':', StringComparison.Ordinal) && !uri.Host.StartsWith('[') ? $"[{uri.Host}]" : uri.Host;
        var endpoint = new Uri($"{(https ? "https" : "http")}://{host}:{port.ToString(CultureInfo.InvariantCulture)}/");
        var info = new ClickHouseConnectionInfo { Endpoint = endpoint, User = user, Password = password, Database = db.Length > 0 ? db : "default" };
        string query = uri.Query.TrimStart('?');
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            string value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            info = key switch
            {
                "connect_timeout" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 =>
                    info with { ConnectTimeout = TimeSpan.FromSeconds(s) },
                "cluster" when value.Length > 0 => info with { Cluster = value },
                "shards" when value.Length > 0 => info with { Shards = value.Split(',').Select(h => ShardEndpoint(h, https, shown)).ToArray() },
                "state" when value.Length > 0 => info with { State = value },
                _ => throw new VigilInputException($"{shown}: unknown URL parameter {key}={value}; expected connect_timeout=<seconds>, cluster=<name>, shards=<host:port,...> or state=<path>"),
            };
        }
        return info;
    }

    private static Uri ShardEndpoint(string hostPort, bool https, string shown)
    {
        string h = hostPort.Trim();
        if (!Uri.TryCreate($"{(https ? "https" : "http")}://{h}/", UriKind.Absolute, out Uri? u) || string.IsNullOrEmpty(u.Host) || h.Contains('/', StringComparison.Ordinal))
            throw new VigilInputException($"{shown}: shards=: \"{h}\" is not a host:port");
        int port = u.IsDefaultPort && !h.Contains(':', StringComparison.Ordinal) ? (https ? 8443 : 8123) : u.Port;
        return new Uri($"{u.Scheme}://{u.Host}:{port.ToString(CultureInfo.InvariantCulture)}/");
    }
}
