/**
 * The `class:provider:type` notation (crm's `ocf:heartbeat:IPaddr2`, `lsb:apache2`,
 * `systemd:nginx`, `stonith:fence_xvm`). Pure.
 */
import type { AgentClass, AgentSpec } from "./types.js";

const CLASSES: ReadonlySet<string> = new Set(["ocf", "lsb", "systemd", "service", "stonith"]);

/**
 * Parses an agent name; undefined when it is not one.
 * @example parseAgentSpec("ocf:pacer:Dummy") // { class: "ocf", provider: "pacer", type: "Dummy" }
 */
export function parseAgentSpec(text: string): AgentSpec | undefined {
  const parts = text.split(":");
  const cls = parts[0] ?? "";
  if (!CLASSES.has(cls)) return undefined;
  if (cls === "ocf") {
    const [, provider, type] = parts;
    if (parts.length !== 3 || !provider || !type) return undefined;
    return { class: "ocf", provider, type };
  }
  // Other classes have no provider: the type is everything after the class.
  const type = parts.slice(1).join(":");
  if (parts.length < 2 || type === "") return undefined;
  return { class: cls as AgentClass, type };
}

/** The inverse of parseAgentSpec. */
export function formatAgentSpec(a: AgentSpec): string {
  return a.provider === undefined ? `${a.class}:${a.type}` : `${a.class}:${a.provider}:${a.type}`;
}
