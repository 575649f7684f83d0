/**
 * What kind of peer a virtual node is, for its icon. Rollups keep only the name a client
 * span gave its peer: `db.system.name` / `messaging.system` values for databases and brokers
 * (well-known values from the OpenTelemetry semantic conventions), otherwise `peer.service`
 * or `server.address` — some external service.
 */
export type VirtualNodeKind = "database" | "messaging" | "external";

const DATABASE_SYSTEMS = new Set([
  "postgresql",
  "mysql",
  "mariadb",
  "mssql",
  "microsoft.sql_server",
  "oracle",
  "oracle.db",
  "sqlite",
  "db2",
  "ibm.db2",
  "redis",
  "memcached",
  "mongodb",
  "cassandra",
  "couchdb",
  "couchbase",
  "dynamodb",
  "aws.dynamodb",
  "elasticsearch",
  "opensearch",
  "clickhouse",
  "cockroachdb",
  "neo4j",
  "hbase",
  "influxdb",
  "h2",
  "hsqldb",
  "derby",
  "firebird",
  "spanner",
  "gcp.spanner",
  "cosmosdb",
  "azure.cosmosdb",
  "trino",
  "memory",
  "other_sql",
]);

const MESSAGING_SYSTEMS = new Set([
  "kafka",
  "rabbitmq",
  "activemq",
  "pulsar",
  "rocketmq",
  "aws_sqs",
  "aws.sns",
  "eventgrid",
  "eventhubs",
  "servicebus",
  "gcp_pubsub",
  "jms",
  "nats",
]);

export function classifyVirtualNode(name: string): VirtualNodeKind {
  const key = name.toLowerCase();
  if (DATABASE_SYSTEMS.has(key)) return "database";
  if (MESSAGING_SYSTEMS.has(key)) return "messaging";
  return "external";
}

export const VIRTUAL_NODE_LABEL: Record<VirtualNodeKind, string> = {
  database: "database",
  messaging: "message broker",
  external: "external service",
};
