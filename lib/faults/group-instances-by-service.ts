/** Instances grouped by service (services and instances in the order given: the API sorts them). */
export function groupInstancesByService<T extends { service: string }>(
  instances: readonly T[],
): { service: string; instances: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const instance of instances) {
    const group = groups.get(instance.service);
    if (group === undefined) groups.set(instance.service, [instance]);
    else group.push(instance);
  }
  return [...groups].map(([service, members]) => ({ service, instances: members }));
}
