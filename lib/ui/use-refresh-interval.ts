"use client";

import { useSearchParams } from "next/navigation";
import { parseRefreshParam, REFRESH_PARAM, type RefreshInterval } from "./refresh-interval";

/** The page's refresh interval from the URL (`?refresh=`), for `refetchInterval`. */
export function useRefreshInterval(): RefreshInterval {
  return parseRefreshParam(useSearchParams().get(REFRESH_PARAM));
}
