"use client";

import { getNodesBounds, getViewportForBounds, useReactFlow } from "@xyflow/react";
import { toPng, toSvg } from "html-to-image";
import { useState } from "react";
import { exportFileName, type GraphExport } from "@/lib/topology/export-graph";
import { DownloadIcon } from "./topology-icons";

const BACKGROUND = "#0b0f14";
const PADDING = 0.08;
const MAX_IMAGE_SIDE = 4_096;

function download(href: string, fileName: string) {
  const link = document.createElement("a");
  link.href = href;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * Downloads of the graph on screen: PNG and SVG of the whole graph (not just what the view
 * shows; html-to-image on React Flow's viewport, as React Flow's own example does) and the
 * graph's data as JSON.
 */
export function ExportMenu({ container, buildJson }: { container: () => HTMLElement | null; buildJson: () => GraphExport }) {
  const flow = useReactFlow();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"png" | "svg" | null>(null);

  async function handleImage(kind: "png" | "svg") {
    const viewport = container()?.querySelector<HTMLElement>(".react-flow__viewport");
    if (viewport === null || viewport === undefined) return;
    setError(null);
    setBusy(kind);
    try {
      const bounds = getNodesBounds(flow.getNodes());
      const scale = Math.min(1.5, MAX_IMAGE_SIDE / Math.max(bounds.width, bounds.height, 1));
      const width = Math.ceil(bounds.width * scale * (1 + 2 * PADDING));
      const height = Math.ceil(bounds.height * scale * (1 + 2 * PADDING));
      const { x, y, zoom } = getViewportForBounds(bounds, width, height, 0.1, 4, PADDING);
      const render = kind === "png" ? toPng : toSvg;
      const dataUrl = await render(viewport, {
        backgroundColor: BACKGROUND,
        width,
        height,
        style: { width: `${width}px`, height: `${height}px`, transform: `translate(${x}px, ${y}px) scale(${zoom})` },
      });
      download(dataUrl, exportFileName(kind, Date.now()));
    } catch (cause) {
      setError(`Export failed: ${(cause as Error).message}`);
    } finally {
      setBusy(null);
    }
  }

  function handleJson() {
    const blob = new Blob([JSON.stringify(buildJson(), null, 2)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    download(url, exportFileName("json", Date.now()));
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  const buttonClass =
    "h-8 px-2.5 text-[13px] font-medium text-ink-soft hover:bg-panel-raised hover:text-ink disabled:opacity-60 first:rounded-l-md last:rounded-r-md";
  return (
    <div className="flex items-center gap-2">
      <div
        role="group"
        aria-label="Export the graph"
        className="flex items-center divide-x divide-line rounded-md border border-line-strong"
      >
        <span className="flex h-8 items-center gap-1.5 px-2 text-xs text-faint">
          <DownloadIcon className="size-3.5" />
          Export
        </span>
        <button type="button" className={buttonClass} onClick={() => void handleImage("png")} disabled={busy !== null}>
          PNG
        </button>
        <button type="button" className={buttonClass} onClick={() => void handleImage("svg")} disabled={busy !== null}>
          SVG
        </button>
        <button type="button" className={buttonClass} onClick={handleJson}>
          JSON
        </button>
      </div>
      {error !== null && (
        <span role="alert" className="text-xs text-bad">
          {error}
        </span>
      )}
    </div>
  );
}
