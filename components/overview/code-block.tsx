import { CopyButton } from "@/components/ui/copy-button";

export function CodeBlock({ code, label }: { code: string; label: string }) {
  return (
    <div className="relative rounded-md border border-line bg-canvas">
      <div className="absolute top-2 right-2">
        <CopyButton text={code} label={label} />
      </div>
      <pre className="overflow-x-auto px-4 py-3 pr-24 font-mono text-[12.5px] leading-relaxed text-ink-soft">
        <code>{code}</code>
      </pre>
    </div>
  );
}
