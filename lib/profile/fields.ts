/**
 * The pprof `profile.proto` schema (package `perftools.profiles`) as a plain
 * descriptor (protobufjs's JSON form), and the field numbers and wire types
 * the decoder and encoder take from it. Plain data: decoding never loads
 * protobufjs (schema.ts builds its reflected types from this descriptor).
 *
 * @module
 */

const int64 = (id: number) => ({ type: "int64", id });
const uint64 = (id: number) => ({ type: "uint64", id });
const bool = (id: number) => ({ type: "bool", id });
const repeated = (type: string, id: number) => ({ rule: "repeated", type, id });

/** The schema, in protobufjs JSON descriptor form. */
export const descriptor = {
  nested: {
    perftools: {
      nested: {
        profiles: {
          nested: {
            Profile: {
              fields: {
                sample_type: repeated("ValueType", 1),
                sample: repeated("Sample", 2),
                mapping: repeated("Mapping", 3),
                location: repeated("Location", 4),
                function: repeated("Function", 5),
                string_table: repeated("string", 6),
                drop_frames: int64(7),
                keep_frames: int64(8),
                time_nanos: int64(9),
                duration_nanos: int64(10),
                period_type: { type: "ValueType", id: 11 },
                period: int64(12),
                comment: repeated("int64", 13),
                default_sample_type: int64(14),
                doc_url: int64(15),
              },
            },
            ValueType: { fields: { type: int64(1), unit: int64(2) } },
            Sample: {
              fields: {
                location_id: repeated("uint64", 1),
                value: repeated("int64", 2),
                label: repeated("Label", 3),
              },
            },
            Label: {
              fields: { key: int64(1), str: int64(2), num: int64(3), num_unit: int64(4) },
            },
            Mapping: {
              fields: {
                id: uint64(1),
                memory_start: uint64(2),
                memory_limit: uint64(3),
                file_offset: uint64(4),
                filename: int64(5),
                build_id: int64(6),
                has_functions: bool(7),
                has_filenames: bool(8),
                has_line_numbers: bool(9),
                has_inline_frames: bool(10),
              },
            },
            Location: {
              fields: {
                id: uint64(1),
                mapping_id: uint64(2),
                address: uint64(3),
                line: repeated("Line", 4),
                is_folded: bool(5),
              },
            },
            Line: { fields: { function_id: uint64(1), line: int64(2), column: int64(3) } },
            Function: {
              fields: {
                id: uint64(1),
                name: int64(2),
                system_name: int64(3),
                filename: int64(4),
                start_line: int64(5),
              },
            },
          },
        },
      },
    },
  },
};

/** The protobufjs root holding every `perftools.profiles` message type. */
type Message = { fields: Record<string, { id: number }> };
const messages = descriptor.nested.perftools.nested.profiles.nested as unknown as Record<string, Message>;

/**
 * Field numbers of one message type keyed by field name, read from the schema
 * so the decoder never hard-codes them.
 */
function fieldIds(name: string): Record<string, number> {
  const ids: Record<string, number> = {};
  for (const [field, { id }] of Object.entries(messages[name].fields)) ids[field] = id;
  return ids;
}

/** The field numbers of every message, under the short names the decoder and encoder use. */
export const FIELD = {
  P: fieldIds("Profile"),
  S: fieldIds("Sample"),
  LB: fieldIds("Label"),
  VT: fieldIds("ValueType"),
  MP: fieldIds("Mapping"),
  LC: fieldIds("Location"),
  LN: fieldIds("Line"),
  FN: fieldIds("Function"),
};

/** Protobuf wire type of varints (ints, bools, enums). */
export const WIRE_VARINT = 0;
/** Protobuf wire type of length-delimited fields (strings, messages, packed runs). */
export const WIRE_LEN = 2;
