using System.Globalization;
using Vigil.Server.Store;
using Vigil.Testing.ClickHouse;

namespace Vigil.Server.Tests.ClickHouse;

/// <summary>A ClickHouse store on the test cluster: its URL and a clean slate for a model.</summary>
internal static class ClusterStore
{
    /// <summary>The store's URL: the cluster through shard 0 as the password user, the state file in <paramref name="dir"/>.</summary>
    public static string Url(ClickHouseCluster cluster, string dir, string state = "state.duckdb")
    {
        var shards = string.Join(",", Enumerable.Range(0, cluster.ShardCount).Select(i => "127.0.0.1:" + cluster.HttpPort(i).ToString(CultureInfo.InvariantCulture)));
        return $"clickhouse://{cluster.User}:{cluster.Password}@127.0.0.1:{cluster.HttpPort(0).ToString(CultureInfo.InvariantCulture)}/default" +
               $"?cluster={cluster.ClusterName}&shards={shards}&state={Path.Combine(dir, state)}";
    }

    /// <summary>Drops the models' tables on every shard (the cluster is shared by the collection's tests).</summary>
    public static void Drop(ClickHouseCluster cluster, params string[] models)
    {
        foreach (var m in models)
            for (var i = 0; i < cluster.ShardCount; i++)
            {
                cluster.Sql(i, $"DROP TABLE IF EXISTS {PredictionStore.TableOf(m)}");
                cluster.Sql(i, $"DROP TABLE IF EXISTS {PredictionStore.TableOf(m)}_local");
            }
    }
}
