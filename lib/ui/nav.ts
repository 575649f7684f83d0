/** Whether a sidebar item is the current page: exact for the root, by path prefix otherwise. */
export function isNavItemActive(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/";
  return pathname === href || pathname.startsWith(`${href}/`);
}
