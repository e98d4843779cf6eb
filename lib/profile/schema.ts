/**
 * The pprof `profile.proto` schema (package `perftools.profiles`), carried in
 * code as a protobufjs JSON descriptor so that nothing is read from disk at run
 * time and no code generation step is needed.
 *
 * The descriptor and the field numbers the decoder and encoder use live in
 * fields.ts (tests encode through the reflected types made here from the same
 * descriptor), so the schema is the single source of truth for the wire format.
 *
 * @module
 */
import protobuf from "protobufjs";
import { descriptor } from "./fields.ts";

export { FIELD, WIRE_LEN, WIRE_VARINT } from "./fields.ts";

export const profileRoot: protobuf.Root = protobuf.Root.fromJSON(descriptor);

/** Looks up one message type of the schema, e.g. `messageType("Sample")`. */
export function messageType(name: string): protobuf.Type {
  return profileRoot.lookupType(`perftools.profiles.${name}`);
}
