/**
 * The annotations of an edge's side panel, cut from its callee's service annotations: the
 * weight changes of the callee's routes (the routes its callers are balanced by), and the
 * transitions of the breakers the caller's instances hold on the callee's instances — not
 * those of the callee's other callers. Prior states carry no service names, so the breakers of
 * the edge are recognised by owner → target instance against the breaker list.
 */
type Transition = { ownerInstanceId: string; ownerService: string; targetInstanceId: string; targetService: string };
type PriorState = { ownerInstanceId: string; targetInstanceId: string };
type Breaker = { ownerInstanceId: string; ownerService: string; targetInstanceId: string; targetService: string };

const keyOf = (breaker: { ownerInstanceId: string; targetInstanceId: string }) =>
  `${breaker.ownerInstanceId}\u0000${breaker.targetInstanceId}`;

export function selectEdgeAnnotations<
  A extends { breakerTransitions: readonly Transition[]; breakerPriorStates: readonly PriorState[] },
>(annotations: A, edge: { source: string; target: string }, breakers: readonly Breaker[]): A {
  const isEdge = (breaker: Transition | Breaker) => breaker.ownerService === edge.source && breaker.targetService === edge.target;
  const keys = new Set(breakers.filter(isEdge).map(keyOf));
  for (const transition of annotations.breakerTransitions) if (isEdge(transition)) keys.add(keyOf(transition));
  return {
    ...annotations,
    breakerTransitions: annotations.breakerTransitions.filter(isEdge),
    breakerPriorStates: annotations.breakerPriorStates.filter((prior) => keys.has(keyOf(prior))),
  };
}
