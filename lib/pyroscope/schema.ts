/**
 * The messages of Grafana Pyroscope's query API that pprof-mcp sends and reads (packages `querier.v1` and
 * `types.v1`), carried in code as a protobufjs JSON descriptor like the pprof schema (`lib/profile/schema.ts`). Only
 * the fields we use or must decode are declared; protobuf skips the others. `SelectMergeProfile` answers a
 * `google.v1.Profile`, which is profile.proto on the wire, so it is decoded by `lib/profile`.
 *
 * @module
 */
import protobuf from "protobufjs";

const f = (type: string, id: number) => ({ type, id });
const repeated = (type: string, id: number) => ({ rule: "repeated", type, id });
const optional = (type: string, id: number) => ({ type, id, options: { proto3_optional: true } });

const descriptor = {
  nested: {
    types: {
      nested: {
        v1: {
          nested: {
            LabelPair: { fields: { name: f("string", 1), value: f("string", 2) } },
            ProfileType: {
              fields: {
                ID: f("string", 1),
                name: f("string", 2),
                sample_type: f("string", 4),
                sample_unit: f("string", 5),
                period_type: f("string", 6),
                period_unit: f("string", 7),
              },
            },
            Labels: { fields: { labels: repeated("LabelPair", 1) } },
            Series: { fields: { labels: repeated("LabelPair", 1), points: repeated("Point", 2) } },
            Point: { fields: { value: f("double", 1), timestamp: f("int64", 2) } },
            LabelValuesRequest: {
              fields: {
                name: f("string", 1),
                matchers: repeated("string", 2),
                start: f("int64", 3),
                end: f("int64", 4),
              },
            },
            LabelValuesResponse: { fields: { names: repeated("string", 1) } },
            LabelNamesRequest: {
              fields: { matchers: repeated("string", 1), start: f("int64", 2), end: f("int64", 3) },
            },
            LabelNamesResponse: { fields: { names: repeated("string", 1) } },
            TimeSeriesAggregationType: {
              values: { TIME_SERIES_AGGREGATION_TYPE_SUM: 0, TIME_SERIES_AGGREGATION_TYPE_AVERAGE: 1 },
            },
          },
        },
      },
    },
    querier: {
      nested: {
        v1: {
          nested: {
            ProfileTypesRequest: { fields: { start: f("int64", 1), end: f("int64", 2) } },
            ProfileTypesResponse: { fields: { profile_types: repeated("types.v1.ProfileType", 1) } },
            SelectMergeProfileRequest: {
              fields: {
                profile_typeID: f("string", 1),
                label_selector: f("string", 2),
                start: f("int64", 3),
                end: f("int64", 4),
                max_nodes: optional("int64", 5),
              },
            },
            SelectSeriesRequest: {
              fields: {
                profile_typeID: f("string", 1),
                label_selector: f("string", 2),
                start: f("int64", 3),
                end: f("int64", 4),
                group_by: repeated("string", 5),
                step: f("double", 6),
                aggregation: optional("types.v1.TimeSeriesAggregationType", 7),
                limit: optional("int64", 9),
              },
            },
            SelectSeriesResponse: { fields: { series: repeated("types.v1.Series", 1) } },
          },
        },
      },
    },
  },
};

/** The protobufjs root of the query API's messages. */
export const pyroscopeRoot: protobuf.Root = protobuf.Root.fromJSON(descriptor);

/** One message type by its full name, e.g. `querier.v1.SelectSeriesRequest`. */
export function pyroscopeType(name: string): protobuf.Type {
  return pyroscopeRoot.lookupType(name);
}

/** Encodes a message (plain object, field names as in the .proto) of a type. */
export function encodeMessage(type: string, value: Record<string, unknown>): Uint8Array {
  const t = pyroscopeType(type);
  return t.encode(t.fromObject(value)).finish();
}

/**
 * Decodes a message into a plain object: int64 as numbers, enums as numbers, repeated fields always present.
 *
 * @throws {Error} protobufjs's error when the bytes are not that message.
 */
export function decodeMessage<T>(type: string, bytes: Uint8Array): T {
  const t = pyroscopeType(type);
  return t.toObject(t.decode(bytes), { longs: Number, enums: Number, arrays: true, defaults: true }) as T;
}
