import { CopyButton } from "@/components/ui/copy-button";

const LANGUAGE_LABEL = { shell: "Shell", yaml: "YAML" } as const;

export function CodeBlock({ code, label, language }: { code: string; label: string; language: keyof typeof LANGUAGE_LABEL }) {
  return (
    <div className="overflow-hidden rounded-md border border-line bg-canvas">
      <div className="flex items-center justify-between border-b border-line bg-panel-raised/40 px-3 py-1.5">
        <span className="text-[11px] font-medium tracking-wide text-faint uppercase">{LANGUAGE_LABEL[language]}</span>
        <CopyButton text={code} label={label} />
      </div>
      <pre className="overflow-x-auto px-4 py-3 font-mono text-[12.5px] leading-relaxed text-ink-soft">
        <code>{code}</code>
      </pre>
    </div>
  );
}
