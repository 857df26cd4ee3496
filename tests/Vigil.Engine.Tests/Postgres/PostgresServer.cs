// A throw-away PostgreSQL server for tests. Self-contained (no project types, only xunit and
// Xunit.SkippableFact), so other test projects can link it:
//   <Compile Include="../Vigil.Engine.Tests/Postgres/PostgresServer.cs" Link="Postgres/PostgresServer.cs" />
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Testing.Postgres;

/// <summary>
/// Starts a private PostgreSQL server from Debian's binaries (/usr/lib/postgresql/*/bin): initdb into a temp
/// directory, trust authentication, a free loopback port, a database named <see cref="Database"/>; stops and
/// deletes it on dispose. As root the binaries run as the <c>postgres</c> user (runuser). When the binaries
/// are missing, tests calling <see cref="Require"/> are skipped with the reason, except with env CI=true,
/// where they fail. Binaries that exist but do not start always fail the test.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string? _dir;
    private readonly string? _binDir;
    private readonly bool _asPostgresUser;

    public PostgresServer()
    {
        _binDir = FindBinDir();
        if (_binDir is null)
        {
            MissingReason = "PostgreSQL binaries not found (/usr/lib/postgresql/*/bin/initdb); install the postgresql package";
            return;
        }
        _asPostgresUser = Environment.UserName == "root";
        _dir = Path.Combine(Path.GetTempPath(), "vigil-pg-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            Directory.CreateDirectory(_dir);
            if (_asPostgresUser) Run("chown", ["-R", "postgres:postgres", _dir], asPostgres: false);
            string data = Path.Combine(_dir, "data");
            Run(Path.Combine(_binDir, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"]);
            Exception? last = null;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                Port = FreePort();
                try
                {
                    Run(Path.Combine(_binDir, "pg_ctl"), ["-D", data, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60",
                        "-o", $"-k {_dir} -h 127.0.0.1 -p {Port} -F -c fsync=off -c full_page_writes=off", "start"]);
                    last = null;
                    break;
                }
                catch (InvalidOperationException e)
                {
                    last = e;
                }
            }
            if (last is not null) throw last;
            Started = true;
            Run(Path.Combine(_binDir, "createdb"), ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", Database]);
        }
        catch (Exception e)
        {
            StartError = $"PostgreSQL test server did not start: {e.Message}";
        }
    }

    /// <summary>Name of the database created for tests.</summary>
    public string Database => "vigil_test";

    public int Port { get; private set; }

    public bool Started { get; private set; }

    /// <summary>Why the server is unavailable because PostgreSQL is not installed, or null.</summary>
    public string? MissingReason { get; }

    /// <summary>Why the installed server failed to start, or null.</summary>
    public string? StartError { get; }

    /// <summary>Npgsql connection string to <see cref="Database"/> (user postgres, trust auth).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={Database};Timeout=10";

    /// <summary>postgres:// URL to <see cref="Database"/>.</summary>
    public string Url => $"postgres://postgres@127.0.0.1:{Port}/{Database}";

    /// <summary>Call first in every test: skips (or fails under CI=true) when PostgreSQL is missing; fails when it did not start.</summary>
    public void Require()
    {
        if (StartError is not null) throw new InvalidOperationException(StartError);
        if (MissingReason is not null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException(MissingReason + " (CI=true: PostgreSQL tests must run)");
            Skip.If(true, MissingReason);
        }
    }

    /// <summary>Runs psql-free SQL through the server's own psql binary (for fixtures that do not use Npgsql).</summary>
    public void Psql(string sql)
    {
        if (_binDir is null) throw new InvalidOperationException(MissingReason);
        Run(Path.Combine(_binDir, "psql"), ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", "postgres", "-d", Database, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql]);
    }

    public static string? FindBinDir()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out int v) ? v : 0)
            .FirstOrDefault();
    }

    public void Dispose()
    {
        if (_dir is null) return;
        if (Started && _binDir is not null)
        {
            try
            {
                Run(Path.Combine(_binDir, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
            }
        }
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

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private void Run(string file, IReadOnlyList<string> args, bool asPostgres = true)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir ?? Path.GetTempPath(),
        };
        if (asPostgres && _asPostgresUser)
        {
            psi.FileName = "runuser";
            foreach (string a in new[] { "-u", "postgres", "--", file }) psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = file;
        }
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        // pg_ctl leaves the server holding inherited pipes: read asynchronously and do not wait for EOF.
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(file)} timed out");
        }
        if (p.ExitCode != 0)
        {
            string err = stderr.Wait(2000) ? stderr.Result : "";
            string outText = stdout.Wait(2000) ? stdout.Result : "";
            string msg = (err + " " + outText).Trim().ReplaceLineEndings(" ");
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {p.ExitCode}: {msg}");
        }
    }
}

/// <summary>One server for all tests in the "postgres" collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
