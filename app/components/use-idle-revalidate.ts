import { useCallback, useEffect, useRef } from "react";
import { useFetchers, useNavigation, useRevalidator } from "@remix-run/react";

/** How often a reload waiting for a form or a panel's fetch checks again. */
const RETRY_MS = 250;

/**
 * A stable function that reloads the page's data once nothing else is loading. A reload started
 * while a form is being submitted or a panel is fetching would abort that request (an AbortError
 * in the console, or a lost panel refresh); a submission reloads the data anyway, so the reload
 * waits until they are done. A reload superseded by a navigation is nothing to report.
 */
export function useIdleRevalidate(): () => void {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const busy = useRef(false);
  busy.current =
    navigation.state !== "idle" || revalidator.state !== "idle" || fetchers.some((f) => f.state !== "idle");
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return useCallback(function reload() {
    if (timer.current) return; // one is already waiting
    if (busy.current) {
      timer.current = setTimeout(() => {
        timer.current = null;
        reload();
      }, RETRY_MS);
      return;
    }
    void Promise.resolve(revalidate.current()).catch(() => {});
  }, []);
}
