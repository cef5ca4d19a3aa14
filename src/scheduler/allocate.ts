/**
 * Placement: Pacemaker's greedy allocation. Top-level resources are placed one at a time
 * (higher priority first, then stronger node preference); placing a resource first places
 * the resources it is colocated with, and folds in the preferences of those colocated
 * with it.
 */

import {
  assignClone,
  cloneColocations,
  cloneNodes,
  expandCloneColocation,
  instanceLead,
  unpromotedCloneNodes,
} from "./clone.js";
import {
  applyToDependent,
  applyToDependentSet,
  type Colocation,
  type MergeContext,
  mergeDependents,
  promotable,
  sortColocations,
} from "./colocation.js";
import { groupColocations, groupMembers } from "./group.js";
import {
  applyHistoryScores,
  currentNodes,
  initialWeights,
  isBlocked,
  nodeCanRunResources,
  type ScoreNote,
  type Weights,
} from "./location.js";
import type { LocationConstraint, Resource, WorkingSet } from "./model.js";
import { addScores, INFINITY } from "./scores.js";

export interface Allocation {
  /** Chosen node per primitive (undefined = stopped). */
  readonly assigned: Map<Resource, string | undefined>;
  /** Scores each primitive had when its node was chosen. */
  readonly finalWeights: Map<Resource, Weights>;
  readonly weights: Map<Resource, Weights>;
  /** Each primitive's own scores before any colocation (`weights` changes as placing goes). */
  readonly ownWeights: Map<Resource, Weights>;
  /**
   * Placement as it happened: when each primitive's placement began (a dependent begins
   * before the primaries it is colocated with) and when its node was chosen.
   */
  readonly trace: { readonly begin: boolean; readonly rsc: Resource }[];
  readonly notes: Map<Resource, ScoreNote[]>;
  /** Why a primitive ended up where it did (or nowhere), in plain words. */
  readonly reasons: Map<Resource, string>;
  readonly colocations: Colocation[];
  /** Promotion decisions for promotable clone instances. */
  readonly promoted: Set<Resource>;
}

export function allPrimitives(r: Resource): Resource[] {
  return r.kind === "primitive" ? [r] : r.children.flatMap(allPrimitives);
}

export class Allocator {
  readonly alloc: Allocation;
  private readonly allocating = new Set<Resource>();
  readonly cloneState = new Map<Resource, "busy" | "done">();
  readonly promotionNotes: string[] = [];
  readonly promotionScores = new Map<Resource, number>();
  private readonly asDependent = new Map<Resource, Colocation[]>();
  private readonly asPrimary = new Map<Resource, Colocation[]>();
  readonly mergeCtx: MergeContext;

  constructor(readonly ws: WorkingSet) {
    this.alloc = {
      assigned: new Map(),
      finalWeights: new Map(),
      weights: new Map(),
      ownWeights: new Map(),
      trace: [],
      notes: new Map(),
      reasons: new Map(),
      colocations: [],
      promoted: new Set(),
    };
    const prims = ws.resources.flatMap(allPrimitives);
    const locationsOf = this.locationsByTarget();
    for (const p of prims) {
      const notes: ScoreNote[] = [];
      const locs = locationsOf.get(p) ?? [];
      const w = initialWeights(ws, p, notes, (id) => this.locationTargets(id), locs);
      applyHistoryScores(ws, p, w, notes);
      // A failure with on-fail=stop bans the resource everywhere (crm_simulate -s shows it
      // -INFINITY on every node, and it lends nothing to what it is colocated with).
      if ([...p.history.values()].some((h) => h.failed && h.onFail === "stop")) {
        for (const n of w.keys()) {
          w.set(n, -INFINITY);
          notes.push({
            node: n,
            score: -INFINITY,
            why: "it failed and its on-fail policy is stop",
          });
        }
      }
      // A resource that may not move (unmanaged, or frozen by on-fail=block) holds its node
      // at INFINITY, which draws what it is colocated with there (crm_simulate -s).
      const here = currentNodes(p).filter((n) => ws.nodeByName.get(n)?.online);
      if ((!p.managed || isBlocked(ws, p)) && here.length === 1 && !ws.frozen) {
        const n = here[0] as string;
        w.set(n, addScores(w.get(n) ?? 0, INFINITY));
        notes.push({ node: n, score: INFINITY, why: "it may not move from where it runs" });
      }
      this.alloc.weights.set(p, w);
      this.alloc.ownWeights.set(p, new Map(w));
      this.alloc.notes.set(p, notes);
    }
    const colos = [...groupColocations(ws), ...cloneColocations(ws), ...this.expandColocations()];
    for (const c of colos) this.addColocation(c);
    for (const [r, l] of this.asDependent) this.asDependent.set(r, sortColocations(l, "primary"));
    for (const [r, l] of this.asPrimary) this.asPrimary.set(r, sortColocations(l, "dependent"));
    this.mergeCtx = {
      nodes: ws.nodeByName,
      weightsOf: (r) => this.weightsOf(r),
      dependentsOf: (r) => this.dependentsOf(r),
      canRun: (n) => this.nodeUsable(n),
    };
  }

  private addColocation(c: Colocation): void {
    this.alloc.colocations.push(c);
    const d = this.asDependent.get(c.dependent) ?? [];
    d.push(c);
    this.asDependent.set(c.dependent, d);
    const p = this.asPrimary.get(c.primary) ?? [];
    p.push(c);
    this.asPrimary.set(c.primary, p);
  }

  /**
   * Colocations with `r` as primary. An instance lead also weighs those with its clone,
   * but only when the clone has fewer instances than usable nodes: otherwise every node
   * gets one anyway and Pacemaker places instances without them.
   */
  dependentsOf(r: Resource): Colocation[] {
    const own = this.asPrimary.get(r) ?? [];
    const inst =
      r.parent?.kind === "clone" ? r : r.parent?.parent?.kind === "clone" ? r.parent : undefined;
    const clone = inst?.parent;
    if (!inst || !clone || instanceLead(inst) !== r || !this.cloneIsSparse(clone)) return own;
    return sortColocations([...own, ...(this.asPrimary.get(clone) ?? [])], "dependent");
  }

  /** Fewer instances than nodes that can run resources. */
  cloneIsSparse(clone: Resource): boolean {
    const usable = this.ws.nodes.filter((n) => this.nodeUsable(n.uname)).length;
    return (clone.clone?.cloneMax ?? 0) < usable;
  }

  /**
   * The clone's own node scores: its location constraints plus its dependents'
   * preferences, which may draw it to a node but never push it away (this orders the
   * instances for placement).
   */
  cloneScores(clone: Resource): Weights {
    const base = initialWeights(this.ws, clone, [], (id) => (id === clone.id ? [clone] : []));
    return mergeDependents(clone, base, this.mergeCtx, new Set(), true);
  }

  /** Nodes where `r` was placed (clones: every instance; optionally only promoted). */
  placedNodes(r: Resource, promotedOnly: boolean, whole = false): Set<string> {
    if (r.kind === "clone") {
      assignClone(this, r);
      return cloneNodes(this, r, promotedOnly, whole);
    }
    const lead = r.kind === "group" ? r.children[0] : r;
    if (!lead) return new Set();
    const node = this.assign(lead);
    if (promotedOnly && !this.alloc.promoted.has(lead)) return new Set();
    return node === undefined ? new Set() : new Set([node]);
  }

  /** Whether `node` is among the best usable nodes for `rsc` (before colocations). */
  prefersCurrent(rsc: Resource, node: string, open: ReadonlySet<string>): boolean {
    const w = mergeDependents(rsc, this.weightsOf(rsc), this.mergeCtx);
    const mine = w.get(node);
    if (mine === undefined || mine < 0 || !this.nodeUsable(node)) return false;
    for (const [n, s] of w) if (s > mine && this.nodeUsable(n) && open.has(n)) return false;
    return true;
  }

  quorumAllowsPromotion(): boolean {
    const o = this.ws.options;
    return o.haveQuorum || o.noQuorumPolicy === "ignore";
  }

  weightsOf(r: Resource): Weights {
    return this.alloc.weights.get(r) ?? new Map();
  }

  nodeUsable(node: string): boolean {
    const n = this.ws.nodeByName.get(node);
    return n !== undefined && nodeCanRunResources(n);
  }

  /** Location constraints by the primitives they score, each list in configuration order. */
  private locationsByTarget(): Map<Resource, LocationConstraint[]> {
    const out = new Map<Resource, LocationConstraint[]>();
    for (const loc of this.ws.locations) {
      for (const t of this.locationTargets(loc.rsc)) {
        const l = out.get(t);
        if (l === undefined) out.set(t, [loc]);
        else if (l[l.length - 1] !== loc) l.push(loc);
      }
    }
    return out;
  }

  /** Primitives a location constraint on `id` scores. */
  locationTargets(id: string): Resource[] {
    const r = this.ws.byId.get(id);
    if (!r) return [];
    if (r.kind === "primitive") return [r];
    if (r.kind === "group") return r.children.slice(0, 1);
    return r.children.flatMap((inst) =>
      inst.kind === "group" ? inst.children.slice(0, 1) : [inst],
    );
  }

  private expandColocations(): Colocation[] {
    const out: Colocation[] = [];
    for (const c of this.ws.colocations) {
      const dep = this.ws.byId.get(c.dependent);
      const pri = this.ws.byId.get(c.primary);
      if (!dep || !pri) continue;
      if (dep.kind === "clone" || pri.kind === "clone") {
        out.push(...expandCloneColocation(this.ws, c, dep, pri));
        continue;
      }
      const d = dep.kind === "group" ? dep.children[0] : dep;
      const members = groupMembers(pri);
      const p =
        pri.kind === "group"
          ? c.score >= INFINITY
            ? members[members.length - 1]
            : members[0]
          : pri;
      if (!d || !p || d === p) continue;
      out.push({
        id: c.id,
        dependent: d,
        primary: p,
        score: c.score,
        nodeAttribute: c.nodeAttribute,
        dependentRole: c.dependentRole,
        primaryRole: c.primaryRole,
        influence: c.influence,
        dependentRsc: dep,
        primaryRsc: pri,
      });
    }
    return out;
  }

  /** Places every resource. */
  run(): Allocation {
    for (const top of this.sortedTops()) this.assignTop(top);
    return this.alloc;
  }

  assignTop(top: Resource): void {
    if (top.kind === "clone") {
      assignClone(this, top);
      return;
    }
    for (const p of allPrimitives(top)) this.assign(p);
  }

  /**
   * Allocation order: higher priority first, otherwise configuration order (what
   * Pacemaker 2.1.5 does, as its score traces show).
   */
  private sortedTops(): Resource[] {
    return this.ws.resources
      .map((r, i) => ({ r, i }))
      .sort((a, b) => b.r.priority - a.r.priority || a.i - b.i)
      .map((k) => k.r);
  }

  /** Places one primitive (and, first, everything it is colocated with). */
  assign(rsc: Resource, restrictTo?: ReadonlySet<string>): string | undefined {
    if (this.alloc.assigned.has(rsc)) return this.alloc.assigned.get(rsc);
    const inst =
      rsc.parent?.kind === "clone"
        ? rsc
        : rsc.parent?.parent?.kind === "clone"
          ? rsc.parent
          : undefined;
    if (inst?.parent && !this.cloneState.has(inst.parent)) {
      assignClone(this, inst.parent);
      if (this.alloc.assigned.has(rsc)) return this.alloc.assigned.get(rsc);
    }
    if (this.allocating.has(rsc)) return undefined;
    this.allocating.add(rsc);
    this.alloc.trace.push({ begin: true, rsc });
    const w = this.weightsOf(rsc);
    for (const c of this.asDependent.get(rsc) ?? []) {
      if (c.dependentRole === "Promoted" || c.dependentRole === "Unpromoted") continue;
      // A role asked of a primary that has none (a primitive or group) is never met.
      if (c.primaryRole !== undefined && c.primaryRole !== "Started" && !promotable(c.primary))
        continue;
      const archive = new Map(w);
      if (c.primary.kind === "clone" || c.primaryRole === "Promoted") {
        const nodes =
          c.primary.kind === "clone" && c.primaryRole === "Unpromoted"
            ? unpromotedCloneNodes(this, c.primary)
            : this.placedNodes(c.primary, c.primaryRole === "Promoted", c.score >= INFINITY);
        applyToDependentSet(w, c, nodes, this.ws.nodeByName);
      } else {
        const primaryNode = this.assign(c.primary);
        if (!this.alloc.assigned.has(c.primary)) continue;
        const why = applyToDependent(w, c, primaryNode, this.ws.nodeByName);
        if (why) this.alloc.reasons.set(rsc, why);
      }
      if (
        c.score < 0 &&
        c.score > -INFINITY &&
        ![...w].some(([n, s]) => s >= 0 && this.nodeUsable(n))
      ) {
        w.clear();
        for (const [k, v] of archive) w.set(k, v);
      }
    }
    const merged = mergeDependents(rsc, w, this.mergeCtx);
    const node = this.choose(rsc, merged, restrictTo);
    this.allocating.delete(rsc);
    this.place(rsc, node, merged);
    return node;
  }

  place(rsc: Resource, node: string | undefined, merged: Weights): void {
    this.alloc.assigned.set(rsc, node);
    this.alloc.finalWeights.set(rsc, merged);
    this.alloc.trace.push({ begin: false, rsc });
    if (node !== undefined) {
      const n = this.ws.nodeByName.get(node);
      if (n) n.allocatedCount++;
    }
  }

  /** Picks the best usable node, or undefined with a recorded reason. */
  choose(rsc: Resource, w: Weights, restrictTo?: ReadonlySet<string>): string | undefined {
    const current = currentNodes(rsc);
    const fixed = this.fixedPlacement(rsc, current);
    if (fixed !== false) return fixed;
    const candidates = [...w].filter(
      ([n, s]) => s >= 0 && this.nodeUsable(n) && (!restrictTo || restrictTo.has(n)),
    );
    if (candidates.length === 0) {
      if (!this.alloc.reasons.has(rsc)) this.alloc.reasons.set(rsc, this.noNodeReason(rsc, w));
      return undefined;
    }
    candidates.sort(([na, sa], [nb, sb]) => {
      if (sa !== sb) return sb - sa;
      const ca = this.ws.nodeByName.get(na)?.allocatedCount ?? 0;
      const cb = this.ws.nodeByName.get(nb)?.allocatedCount ?? 0;
      if (ca !== cb) return ca - cb;
      const ia = current.includes(na);
      const ib = current.includes(nb);
      if (ia !== ib) return ia ? -1 : 1;
      return na < nb ? -1 : na > nb ? 1 : 0;
    });
    const best = candidates[0] as [string, number];
    // A positive tie with the current node keeps the resource where it is; at score 0 the
    // least loaded node wins (Pacemaker's observed behaviour).
    const inClone = rsc.parent?.kind === "clone" || rsc.parent?.parent?.kind === "clone";
    if (best[1] > 0 && current.length === 1 && !inClone) {
      const here = candidates.find(([n]) => n === current[0]);
      if (here && here[1] === best[1]) return here[0];
    }
    return best[0];
  }

  /** Resources that do not move: disabled, unmanaged, blocked. false = choose normally. */
  private fixedPlacement(rsc: Resource, current: string[]): string | undefined | false {
    const blocked = isBlocked(this.ws, rsc);
    if (this.ws.frozen) {
      this.alloc.reasons.set(
        rsc,
        "stonith-enabled is true but no fencing device is configured, so nothing may start",
      );
      return current.length === 1 ? current[0] : undefined;
    }
    if (!rsc.managed || blocked) {
      this.alloc.reasons.set(
        rsc,
        !rsc.managed ? "it is unmanaged" : "a failure with on-fail=block froze it",
      );
      return current.length === 1 ? current[0] : undefined;
    }
    if ([...rsc.history.values()].some((h) => h.failed && h.onFail === "stop")) {
      this.alloc.reasons.set(rsc, "it failed and its on-fail policy is stop");
      return undefined;
    }
    if (this.ws.options.stopAllResources) {
      this.alloc.reasons.set(rsc, "stop-all-resources is set");
      return undefined;
    }
    // A member's own target-role overrides its group's or clone's (meta attributes are
    // inherited, the child's own value first).
    if (rsc.targetRole === "Stopped") {
      this.alloc.reasons.set(rsc, "its target-role is Stopped");
      return undefined;
    }
    return false;
  }

  quorumAllows(rsc: Resource, node: string, current: string[]): boolean {
    const o = this.ws.options;
    if (o.haveQuorum || o.noQuorumPolicy === "ignore" || rsc.requires === "nothing") return true;
    if (o.noQuorumPolicy === "freeze") return current.includes(node);
    return false;
  }

  private noNodeReason(rsc: Resource, w: Weights): string {
    const o = this.ws.options;
    const usable = [...w].filter(([n]) => this.nodeUsable(n));
    if (usable.length === 0) return "no node is available to run it (offline, standby or unclean)";
    return "every available node has a negative score for it";
  }
}

/** @example const alloc = allocate(ws); alloc.assigned.get(rsc) */
export function allocate(ws: WorkingSet): Allocation {
  return new Allocator(ws).run();
}
