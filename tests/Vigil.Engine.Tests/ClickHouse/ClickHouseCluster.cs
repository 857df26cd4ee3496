// A throw-away two-shard ClickHouse cluster for tests. Self-contained (no project types, only xunit and
// Xunit.SkippableFact), so other test projects can link it:
//   <Compile Include="../Vigil.Engine.Tests/ClickHouse/ClickHouseCluster.cs" Link="ClickHouse/ClickHouseCluster.cs" />
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Testing.ClickHouse;

/// <summary>
/// Starts two ClickHouse server processes from Debian's package (/usr/sbin/clickhouse-server, or <c>clickhouse server</c>)
/// on 127.0.0.1, each with its own data directory and free HTTP, TCP and interserver ports, and a <c>remote_servers</c>
/// entry <see cref="ClusterName"/> with one shard per process. Users: <c>default</c> without a password and
/// <see cref="User"/> with <see cref="Password"/>. The processes are stopped by PID and the directories deleted on
/// dispose. When the binary is missing, tests calling <see cref="Require"/> are skipped with the reason, except with env
/// CI=true, where they fail. A binary that exists but does not start always fails the test.
/// </summary>
public sealed class ClickHouseCluster : IDisposable
{
    private readonly string? _dir;
    private readonly string[]? _command;
    private readonly Shard[] _shards = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(120) };

    private sealed class Shard
    {
        public required string Dir;
        public required int HttpPort;
        public required int TcpPort;
        public required int InterserverPort;
        public Process? Process;
    }

    public ClickHouseCluster()
    {
        _command = FindServer();
        if (_command is null)
        {
            MissingReason = "ClickHouse not found (/usr/sbin/clickhouse-server or /usr/bin/clickhouse); install the clickhouse-server package";
            return;
        }
        _dir = Path.Combine(Path.GetTempPath(), "vigil-ch-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            Directory.CreateDirectory(_dir);
            _shards = new Shard[2];
            for (int i = 0; i < _shards.Length; i++)
            {
                _shards[i] = new Shard { Dir = Path.Combine(_dir, "s" + (i + 1).ToString(CultureInfo.InvariantCulture)), HttpPort = FreePort(), TcpPort = FreePort(), InterserverPort = FreePort() };
                Directory.CreateDirectory(_shards[i].Dir);
            }
            File.WriteAllText(Path.Combine(_dir, "users.xml"), UsersXml());
            foreach (Shard s in _shards) File.WriteAllText(Path.Combine(s.Dir, "config.xml"), ConfigXml(s));
            for (int i = 0; i < _shards.Length; i++) StartShard(i);
            Started = true;
        }
        catch (Exception e)
        {
            StartError = $"ClickHouse test cluster did not start: {e.Message}";
            StopAll();
        }
    }

    /// <summary>The cluster's name in remote_servers.</summary>
    public string ClusterName => "vigil";

    /// <summary>The user with a password (the other one is <c>default</c>, without).</summary>
    public string User => "vigil";

    public string Password => "s3cret";

    /// <summary>A user without a password whose profile has readonly=1 (may not change settings), as analysts often are.</summary>
    public string ReadOnlyUser => "reader";

    public bool Started { get; }

    /// <summary>Why the cluster is unavailable because ClickHouse is not installed, or null.</summary>
    public string? MissingReason { get; }

    /// <summary>Why the installed server failed to start, or null.</summary>
    public string? StartError { get; }

    public int ShardCount => _shards.Length;

    /// <summary>http://127.0.0.1:port/ of shard <paramref name="i"/>'s HTTP interface.</summary>
    public string HttpUrl(int i) => $"http://127.0.0.1:{_shards[i].HttpPort.ToString(CultureInfo.InvariantCulture)}/";

    public int HttpPort(int i) => _shards[i].HttpPort;

    public int TcpPort(int i) => _shards[i].TcpPort;

    /// <summary>clickhouse://default@127.0.0.1:port/default of shard <paramref name="i"/> (a Vigil source URL).</summary>
    public string Url(int i = 0) => $"clickhouse://default@127.0.0.1:{_shards[i].HttpPort.ToString(CultureInfo.InvariantCulture)}/default";

    /// <summary>Call first in every test: skips (or fails under CI=true) when ClickHouse is missing; fails when it did not start.</summary>
    public void Require()
    {
        if (StartError is not null) throw new InvalidOperationException(StartError);
        if (MissingReason is not null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException(MissingReason + " (CI=true: ClickHouse tests must run)");
            Skip.If(true, MissingReason);
        }
    }

    /// <summary>Runs one statement on shard <paramref name="i"/> as user default and returns the answer's text
    /// (TabSeparated); throws with ClickHouse's text when it fails. Inserts into Distributed tables are synchronous.</summary>
    public string Sql(int i, string sql)
    {
        using var content = new StringContent(sql, Encoding.UTF8);
        using HttpResponseMessage r = _http.PostAsync(HttpUrl(i) + "?insert_distributed_sync=1", content).GetAwaiter().GetResult();
        string text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"shard {i}: {text.Trim()}");
        return text;
    }

    /// <summary>Creates <c>{name}_local</c> (MergeTree, <paramref name="columns"/> as in CREATE TABLE, ordered by
    /// <paramref name="orderBy"/>) on every shard and a Distributed table <c>{name}</c> over them on every shard, sharded by
    /// <paramref name="shardingKey"/>. Drops tables of those names first.</summary>
    public void CreateDistributedTable(string name, string columns, string orderBy, string shardingKey = "rand()")
    {
        for (int i = 0; i < _shards.Length; i++)
        {
            Sql(i, $"DROP TABLE IF EXISTS {name}");
            Sql(i, $"DROP TABLE IF EXISTS {name}_local");
            Sql(i, $"CREATE TABLE {name}_local ({columns}) ENGINE = MergeTree() ORDER BY {orderBy}");
            Sql(i, $"CREATE TABLE {name} AS {name}_local ENGINE = Distributed({ClusterName}, default, {name}_local, {shardingKey})");
        }
    }

    /// <summary>The columns of <see cref="CreatePredictionLogs"/>: the demo's fraud log (FraudLogGenerator's header).</summary>
    public const string PredictionLogColumns =
        "prediction_id String, model_version String, prediction_score Float64, timestamp DateTime('UTC'), actual_label Nullable(UInt8), " +
        "amount Float64, merchant_category String, country String, account_age_days Int32, device_type String, channel String";

    /// <summary>Creates the Distributed table <paramref name="name"/> (see <see cref="CreateDistributedTable"/>) with
    /// <see cref="PredictionLogColumns"/>, sharded by prediction_id, and loads <paramref name="rows"/> generated prediction
    /// logs: deterministic for a row number, one every 30 s from 2024-01-01 UTC, models v1 and v2, scores in [0, 1),
    /// labels that agree with the score more often than not, and every 50th label NULL.</summary>
    public void CreatePredictionLogs(string name, int rows)
    {
        CreateDistributedTable(name, PredictionLogColumns, "(timestamp, prediction_id)", "sipHash64(prediction_id)");
        Sql(0, $"""
            INSERT INTO {name}
            SELECT concat('p', toString(number)) AS prediction_id,
                   if(number % 3 = 0, 'v2', 'v1') AS model_version,
                   (sipHash64(concat(toString(number), 's')) % 1000000) / 1000000 AS prediction_score,
                   toDateTime('2024-01-01 00:00:00', 'UTC') + number * 30 AS timestamp,
                   if(number % 50 = 7, NULL, toUInt8((sipHash64(concat(toString(number), 'l')) % 1000000) / 1000000 < 0.2 + 0.6 * prediction_score)) AS actual_label,
                   round((sipHash64(concat(toString(number), 'a')) % 100000) / 100, 2) AS amount,
                   arrayElement(['grocery', 'travel', 'electronics', 'fuel'], sipHash64(concat(toString(number), 'm')) % 4 + 1) AS merchant_category,
                   arrayElement(['US', 'DE', 'FR', 'BR', 'IN'], sipHash64(concat(toString(number), 'c')) % 5 + 1) AS country,
                   toInt32(sipHash64(concat(toString(number), 'g')) % 3650) AS account_age_days,
                   arrayElement(['mobile', 'desktop', 'tablet'], number % 3 + 1) AS device_type,
                   arrayElement(['web', 'app', 'pos'], intDiv(number, 3) % 3 + 1) AS channel
            FROM system.numbers LIMIT {rows.ToString(CultureInfo.InvariantCulture)}
            """);
    }

    /// <summary>Inserts CSV text with a header line (ClickHouse's CSVWithNames; NULL as \N) into <paramref name="table"/>
    /// on shard <paramref name="i"/>; a Distributed table spreads the rows over the shards before this returns. 18.16's
    /// text parser is not correctly rounded (<c>-3.548805</c> loads one ulp off): for doubles that must equal another
    /// engine's, use <see cref="InsertRowBinary"/>.</summary>
    public void InsertCsv(string table, string csvWithHeader, int i = 0)
    {
        using var content = new StringContent(csvWithHeader, Encoding.UTF8);
        string query = Uri.EscapeDataString($"INSERT INTO {table} FORMAT CSVWithNames");
        using HttpResponseMessage r = _http.PostAsync($"{HttpUrl(i)}?insert_distributed_sync=1&query={query}", content).GetAwaiter().GetResult();
        string text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"shard {i}: {text.Trim()}");
    }

    /// <summary>Inserts <paramref name="rowBinary"/>, rows in ClickHouse's RowBinary format (each value's bytes as stored:
    /// little-endian numbers, a leading null byte for a Nullable value, a LEB128 length before a String's bytes), into
    /// <paramref name="table"/> on shard <paramref name="i"/>; no value is parsed from text, so a Float64 is stored with
    /// exactly the bits sent. A Distributed table spreads the rows over the shards before this returns.</summary>
    public void InsertRowBinary(string table, byte[] rowBinary, int i = 0)
    {
        using var content = new ByteArrayContent(rowBinary);
        string query = Uri.EscapeDataString($"INSERT INTO {table} FORMAT RowBinary");
        using HttpResponseMessage r = _http.PostAsync($"{HttpUrl(i)}?insert_distributed_sync=1&query={query}", content).GetAwaiter().GetResult();
        string text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"shard {i}: {text.Trim()}");
    }

    /// <summary>Stops shard <paramref name="i"/>'s process (SIGTERM, then SIGKILL after 20 s) and waits for it to exit.
    /// With <paramref name="crash"/>, SIGKILL at once: a crashed shard, and no wait for the graceful shutdown (about 10 s on
    /// 18.16).</summary>
    public void StopShard(int i, bool crash = false)
    {
        Process? p = _shards[i].Process;
        if (p is null) return;
        if (crash && !p.HasExited)
        {
            p.Kill();
            p.WaitForExit(10_000);
        }
        if (!p.HasExited)
        {
            try
            {
                using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                kill?.WaitForExit(5000);
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
            if (!p.WaitForExit(20_000)) p.Kill();
            p.WaitForExit(10_000);
        }
        p.Dispose();
        _shards[i].Process = null;
    }

    /// <summary>Starts shard <paramref name="i"/>'s process (again) and waits until it answers <c>SELECT 1</c>.</summary>
    public void StartShard(int i)
    {
        Shard s = _shards[i];
        if (s.Process is { HasExited: false }) return;
        var psi = new ProcessStartInfo(_command![0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = s.Dir,
        };
        for (int k = 1; k < _command.Length; k++) psi.ArgumentList.Add(_command[k]);
        psi.ArgumentList.Add("--config-file=" + Path.Combine(s.Dir, "config.xml"));
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {_command[0]}");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        s.Process = p;
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (p.HasExited)
                throw new InvalidOperationException($"clickhouse-server (shard {i}) exited with {p.ExitCode}: {Tail(Path.Combine(s.Dir, "err.log"))}");
            try
            {
                if (Sql(i, "SELECT 1").Trim() == "1") return;
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > until) throw new InvalidOperationException($"clickhouse-server (shard {i}) did not answer within 60 s: {Tail(Path.Combine(s.Dir, "err.log"))}");
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        StopAll();
        _http.Dispose();
        if (_dir is null) return;
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void StopAll()
    {
        for (int i = 0; i < _shards.Length; i++)
        {
            try
            {
                StopShard(i);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    /// <summary>The command that runs a server: clickhouse-server, or the single clickhouse binary's "server" mode.</summary>
    public static string[]? FindServer()
    {
        foreach (string p in new[] { "/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server" })
        {
            if (File.Exists(p)) return [p];
        }
        foreach (string p in new[] { "/usr/bin/clickhouse", "/usr/local/bin/clickhouse" })
        {
            if (File.Exists(p)) return [p, "server"];
        }
        return null;
    }

    private string UsersXml() => $"""
        <?xml version="1.0"?>
        <yandex>
          <profiles><default><max_memory_usage>2000000000</max_memory_usage></default><readonly><readonly>1</readonly></readonly></profiles>
          <users>
            <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
            <{User}><password>{Password}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></{User}>
            <{ReadOnlyUser}><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>readonly</profile><quota>default</quota></{ReadOnlyUser}>
          </users>
          <quotas><default></default></quotas>
        </yandex>
        """;

    private string ConfigXml(Shard s)
    {
        string Dir(string sub)
        {
            string d = Path.Combine(s.Dir, sub) + "/";
            Directory.CreateDirectory(d);
            return d;
        }
        var shards = new StringBuilder();
        foreach (Shard x in _shards)
            shards.Append($"<shard><replica><host>127.0.0.1</host><port>{x.TcpPort.ToString(CultureInfo.InvariantCulture)}</port></replica></shard>");
        return $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>{s.Dir}/server.log</log><errorlog>{s.Dir}/err.log</errorlog><console>false</console></logger>
              <http_port>{s.HttpPort.ToString(CultureInfo.InvariantCulture)}</http_port>
              <tcp_port>{s.TcpPort.ToString(CultureInfo.InvariantCulture)}</tcp_port>
              <interserver_http_port>{s.InterserverPort.ToString(CultureInfo.InvariantCulture)}</interserver_http_port>
              <listen_host>127.0.0.1</listen_host>
              <path>{Dir("data")}</path>
              <tmp_path>{Dir("tmp")}</tmp_path>
              <user_files_path>{Dir("user_files")}</user_files_path>
              <format_schema_path>{Dir("format_schemas")}</format_schema_path>
              <users_config>{Path.Combine(_dir!, "users.xml")}</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <timezone>UTC</timezone>
              <mark_cache_size>104857600</mark_cache_size>
              <uncompressed_cache_size>104857600</uncompressed_cache_size>
              <max_session_timeout>3600</max_session_timeout>
              <remote_servers><{ClusterName}>{shards}</{ClusterName}></remote_servers>
            </yandex>
            """;
    }

    private static string Tail(string path)
    {
        try
        {
            if (!File.Exists(path)) return "(no error log)";
            string[] lines = File.ReadAllLines(path);
            return string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - 3)));
        }
        catch (IOException)
        {
            return "(error log unreadable)";
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>One cluster for all tests in the "clickhouse" collection.</summary>
[CollectionDefinition(Name)]
public sealed class ClickHouseCollection : ICollectionFixture<ClickHouseCluster>
{
    public const string Name = "clickhouse";
}
