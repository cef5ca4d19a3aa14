/**
 * Invariants checked after every simulator step. A violation throws SimViolation, which the
 * runner turns into `sim: FAILED seed=... invariant=... node=... t=...ms`.
 *
 * - view-agreement: every node that installs ring id R installs the same members/incarnations;
 * - ring-growth: each node's installed ring ids strictly increase, across restarts;
 * - self-in-view: an installed view contains its installer;
 * - total-order: within a ring, one message per position (seq), and every node delivers in
 *   increasing position (a node may skip positions only when finishing a ring after a
 *   partition: messages past the safe point from senders outside its group);
 * - fifo: per (receiver, sender incarnation) messages arrive in send order, without duplicates,
 *   and without gaps while both stay in one ring or pass together to the next;
 * - virtual-synchrony: nodes passing together from ring A to ring B delivered the same set of
 *   ring A's messages (compared by count and a hash of positions);
 * - no-duplicate: a node never delivers one message twice (part of fifo);
 * - quorum: the reported quorum matches votequorum's arithmetic for the view, is the same for all
 *   members of a ring, and two quorate current views always share a member (unless two_node).
 */
import type {
  NodeId,
  Output,
  QuorumState,
  ResolvedConfig,
  RingId,
  View,
} from "../cluster/protocol/api.js";

export class SimViolation extends Error {
  override readonly name = "SimViolation";
  constructor(
    readonly invariant: string,
    readonly node: number,
    detail: string,
  ) {
    super(detail);
  }
}

export const MSG_HEADER_BYTES = 12;

/** Application payloads carry (sender, incarnation, counter) so the checker can identify them. */
export function msgId(payload: Uint8Array): { sender: number; inc: number; counter: number } {
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { sender: v.getUint32(0), inc: v.getUint32(4), counter: v.getUint32(8) };
}

const rk = (r: RingId): string => `${r.rep}.${r.seq}`;
const nk = (id: number, inc: number): string => `${id}:${inc}`;

interface NodeTrack {
  ring: string | null;
  prevRing: Map<string, string | null>;
  deliveredIn: Map<string, number>;
  /** Per ring: [last position delivered, rolling hash of positions]. */
  position: Map<string, { last: number; hash: number }>;
  fifo: Map<string, { counter: number; ring: string }>;
  quorum: QuorumState | null;
  members: readonly NodeId[];
}

export class Checker {
  private readonly ringMembers = new Map<string, string>();
  private readonly ringOrder = new Map<string, Map<number, string>>();
  private readonly ringQuorum = new Map<string, string>();
  private readonly passed = new Map<string, string>();
  private readonly lastSeq = new Map<number, number>();
  private readonly satisfied = new Set<string>();
  private readonly nodes = new Map<string, NodeTrack>();
  /** Current ring per live node id (for the quorum-intersection check). */
  private readonly current = new Map<number, string>();
  private readonly ringQuorate = new Map<
    string,
    { members: readonly NodeId[]; quorate: boolean }
  >();
  deliveries = 0;
  views = 0;

  constructor(private readonly cfg: ResolvedConfig) {}

  nodeUp(id: number, inc: number): void {
    this.nodes.set(nk(id, inc), {
      ring: null,
      prevRing: new Map(),
      deliveredIn: new Map(),
      position: new Map(),
      fifo: new Map(),
      quorum: null,
      members: [],
    });
    this.current.delete(id);
  }

  nodeDown(id: number): void {
    this.current.delete(id);
  }

  /** Feeds one node's outputs, in order. */
  observe(id: number, inc: number, outputs: readonly Output[]): void {
    const t = this.nodes.get(nk(id, inc));
    if (t === undefined) throw new SimViolation("sim-bug", id, "outputs from an unknown node");
    for (const o of outputs) {
      if (o.kind === "view") this.onView(id, inc, t, o.view);
      else if (o.kind === "deliver") {
        this.onDeliver(id, t, o.ringId, o.seq, o.sender, o.senderIncarnation, o.payload);
      } else if (o.kind === "quorum") this.onQuorum(id, inc, t, o.quorum);
    }
  }

  private fail(inv: string, id: number, detail: string): never {
    throw new SimViolation(inv, id, detail);
  }

  private onView(id: number, inc: number, t: NodeTrack, v: View): void {
    this.views++;
    const key = rk(v.ringId);
    const sig = v.members.map((m, i) => nk(m, v.incarnations[i] ?? -1)).join(",");
    const seen = this.ringMembers.get(key);
    if (seen === undefined) this.ringMembers.set(key, sig);
    else if (seen !== sig) this.fail("view-agreement", id, `ring ${key}: [${sig}] vs [${seen}]`);
    if (!v.members.some((m, i) => m === id && v.incarnations[i] === inc)) {
      this.fail("self-in-view", id, `ring ${key} lacks ${nk(id, inc)}`);
    }
    const last = this.lastSeq.get(id) ?? 0;
    if (v.ringId.seq <= last)
      this.fail("ring-growth", id, `ring seq ${v.ringId.seq} after ${last}`);
    this.lastSeq.set(id, v.ringId.seq);
    if (t.ring !== null) {
      const k = `${t.ring}->${key}`;
      const p = t.position.get(t.ring);
      const n = `${t.deliveredIn.get(t.ring) ?? 0}/${p?.last ?? 0}/${p?.hash ?? 0}`;
      const other = this.passed.get(k);
      if (other === undefined) this.passed.set(k, n);
      else if (other !== n) {
        this.fail(
          "virtual-synchrony",
          id,
          `${k}: delivered ${n} of ${t.ring}, another survivor ${other}`,
        );
      }
    }
    t.prevRing.set(key, t.ring);
    t.ring = key;
    t.members = v.members;
    t.quorum = null;
    this.current.set(id, key);
  }

  private onDeliver(
    id: number,
    t: NodeTrack,
    ring: RingId,
    seq: number,
    sender: number,
    sinc: number,
    payload: Uint8Array,
  ): void {
    this.deliveries++;
    const key = rk(ring);
    if (payload.length < MSG_HEADER_BYTES) this.fail("integrity", id, "short payload");
    const m = msgId(payload);
    if (m.sender !== sender || m.inc !== sinc)
      this.fail("integrity", id, `payload of ${m.sender} from ${sender}`);
    const mid = `${m.sender}:${m.inc}:${m.counter}:${payload.length}`;
    // Deliveries finishing a ring come before the next view: always in the node's current ring.
    if (t.ring !== key) this.fail("total-order", id, `delivery in ${key} while in ${t.ring}`);
    const order = this.ringOrder.get(key) ?? new Map<number, string>();
    this.ringOrder.set(key, order);
    const at = order.get(seq);
    if (at !== undefined && at !== mid)
      this.fail("total-order", id, `ring ${key} seq ${seq}: ${mid} vs ${at}`);
    order.set(seq, mid);
    const p = t.position.get(key) ?? { last: 0, hash: 0 };
    if (seq <= p.last) this.fail("total-order", id, `ring ${key}: seq ${seq} after ${p.last}`);
    t.position.set(key, { last: seq, hash: (Math.imul(p.hash, 31) + seq) >>> 0 });
    t.deliveredIn.set(key, (t.deliveredIn.get(key) ?? 0) + 1);
    this.checkFifo(id, t, key, nk(sender, sinc), m.counter);
  }

  private checkFifo(id: number, t: NodeTrack, ring: string, from: string, counter: number): void {
    const last = t.fifo.get(from);
    t.fifo.set(from, { counter, ring });
    if (last === undefined) return;
    if (counter <= last.counter)
      this.fail("fifo", id, `from ${from}: ${counter} after ${last.counter}`);
    if (counter === last.counter + 1) return;
    // A gap is allowed only if receiver and sender did not stay together in one ring or pass
    // together from one ring to the next.
    const sameRing = ring === last.ring;
    const consecutive = t.prevRing.get(ring) === last.ring;
    const [sid, sinc] = from.split(":").map(Number) as [number, number];
    const st = this.nodes.get(nk(sid, sinc));
    const senderPassed = st !== undefined && st.prevRing.get(ring) === last.ring;
    if (sameRing || (consecutive && senderPassed)) {
      this.fail(
        "fifo",
        id,
        `from ${from}: gap ${last.counter} -> ${counter} in ${last.ring}->${ring}`,
      );
    }
  }

  private onQuorum(id: number, inc: number, t: NodeTrack, q: QuorumState): void {
    if (t.ring === null) this.fail("quorum", id, "quorum before any view");
    const votesOf = new Map(this.cfg.nodes.map((n) => [n.nodeid as number, n.votes]));
    const total = t.members.reduce((s, m) => s + (votesOf.get(m) ?? 0), 0);
    const expected = Math.max(this.cfg.expectedVotes, total);
    const quorum = this.cfg.twoNode && expected === 2 ? 1 : Math.floor(expected / 2) + 1;
    const all = this.cfg.nodes.every((n) => t.members.includes(n.nodeid));
    if (q.totalVotes !== total || q.expectedVotes !== expected || q.quorum !== quorum) {
      this.fail(
        "quorum",
        id,
        `votes ${q.totalVotes}/${q.expectedVotes}/${q.quorum}, want ${total}/${expected}/${quorum}`,
      );
    }
    if (all && !q.waitForAllSatisfied)
      this.fail("quorum", id, "all nodes present but wait_for_all unsatisfied");
    const ringKey = t.ring;
    const members = this.ringMembers.get(ringKey)?.split(",") ?? [];
    if (q.waitForAllSatisfied && !all && !members.some((m) => this.satisfied.has(m))) {
      this.fail("quorum", id, "wait_for_all satisfied without all nodes ever seen together");
    }
    const want = total >= quorum && (!this.cfg.waitForAll || q.waitForAllSatisfied);
    if (q.quorate !== want)
      this.fail("quorum", id, `quorate=${q.quorate}, votequorum says ${want}`);
    const sig = `${q.quorate}/${q.waitForAllSatisfied}`;
    const seen = this.ringQuorum.get(ringKey);
    if (seen === undefined) this.ringQuorum.set(ringKey, sig);
    else if (seen !== sig) this.fail("quorum", id, `ring ${ringKey}: ${sig} vs ${seen}`);
    if (q.waitForAllSatisfied) this.satisfied.add(nk(id, inc));
    t.quorum = q;
    this.ringQuorate.set(ringKey, { members: t.members, quorate: q.quorate });
    this.checkIntersection(id);
  }

  /** Two quorate views (current at live nodes) must share a member, unless two_node. */
  private checkIntersection(id: number): void {
    if (this.cfg.twoNode) return;
    const quorate = new Map<string, readonly NodeId[]>();
    for (const key of this.current.values()) {
      const r = this.ringQuorate.get(key);
      if (r?.quorate === true) quorate.set(key, r.members);
    }
    const views = [...quorate.entries()];
    for (let i = 0; i < views.length; i++) {
      for (let j = i + 1; j < views.length; j++) {
        const [ka, a] = views[i] as [string, readonly NodeId[]];
        const [kb, b] = views[j] as [string, readonly NodeId[]];
        if (!a.some((m) => b.includes(m)))
          this.fail("quorum-intersection", id, `${ka} and ${kb} are disjoint`);
      }
    }
  }
}
