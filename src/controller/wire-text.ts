/**
 * Large texts in controller messages (a node's executor history in `join-announce`, the
 * whole CIB in `cib-full`) travel deflated: with 200 resources a node's history prints to
 * ~90 KB and deflates to ~4 KB, and every byte of a broadcast is fragmented, encrypted and
 * ordered by the cluster layer on every node's main thread (the join after a failover).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";

/** Texts shorter than this go as they are (deflating them saves little). */
export const DEFLATE_FROM_CHARS = 2048;
/** A deflated text may not inflate to more than this (a corrupt or hostile message). */
export const INFLATED_BYTES_MAX = 64 * 1024 * 1024;

export interface WireText {
  readonly text: string;
  /** `text` is base64 of raw deflate. */
  readonly z?: true;
}

/** @example const w = packText(printXml(cib)); send({ cib: w.text, cibZ: w.z }) */
export function packText(text: string): WireText {
  if (text.length < DEFLATE_FROM_CHARS) return { text };
  return { text: deflateRawSync(Buffer.from(text, "utf8")).toString("base64"), z: true };
}

/** The original text, or undefined when a deflated text does not inflate (within bounds). */
export function unpackText(text: string, z: boolean | undefined): string | undefined {
  if (z !== true) return text;
  try {
    return inflateRawSync(Buffer.from(text, "base64"), {
      maxOutputLength: INFLATED_BYTES_MAX,
    }).toString("utf8");
  } catch {
    return undefined;
  }
}
