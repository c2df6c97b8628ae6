// The component's default look. Every colour and size is a CSS variable, so a shop themes
// it from its own stylesheet (.prk-generator { --prk-accent: #0f766e; }) or replaces it via
// className; the defaults meet WCAG AA contrast on white.
export const css = `
.prk-generator {
  --prk-accent: #1d4ed8; --prk-accent-text: #ffffff; --prk-text: #1f2937; --prk-muted: #4b5563;
  --prk-bg: #ffffff; --prk-border: #9ca3af; --prk-error: #b91c1c; --prk-radius: 8px;
  --prk-font: system-ui, sans-serif; --prk-gap: 12px;
  font-family: var(--prk-font); color: var(--prk-text); background: var(--prk-bg);
  display: grid; gap: var(--prk-gap); max-width: 640px;
}
.prk-generator h2 { margin: 0; font-size: 1.25rem; }
.prk-generator form { display: grid; gap: var(--prk-gap); }
.prk-generator label, .prk-generator legend { font-weight: 600; }
.prk-generator fieldset { border: 1px solid var(--prk-border); border-radius: var(--prk-radius); padding: var(--prk-gap); margin: 0; }
.prk-generator textarea, .prk-generator select, .prk-generator input[type=file] {
  font: inherit; color: inherit; background: var(--prk-bg); border: 1px solid var(--prk-border);
  border-radius: var(--prk-radius); padding: 6px; width: 100%; box-sizing: border-box;
}
.prk-generator button {
  font: inherit; border-radius: var(--prk-radius); padding: 8px 14px; cursor: pointer;
  border: 1px solid var(--prk-accent); background: var(--prk-bg); color: var(--prk-accent);
}
.prk-generator button[type=submit] { background: var(--prk-accent); color: var(--prk-accent-text); }
.prk-generator button:disabled { opacity: 0.6; cursor: not-allowed; }
.prk-generator :focus-visible { outline: 3px solid var(--prk-accent); outline-offset: 2px; }
.prk-generator .prk-row { display: flex; gap: var(--prk-gap); align-items: center; flex-wrap: wrap; }
.prk-generator .prk-hint { color: var(--prk-muted); font-size: 0.9rem; margin: 0; }
.prk-generator .prk-error { color: var(--prk-error); margin: 0; }
.prk-generator .prk-photo { max-width: 160px; max-height: 160px; border-radius: var(--prk-radius); }
.prk-generator progress { width: 100%; accent-color: var(--prk-accent); }
.prk-generator video { width: 100%; border-radius: var(--prk-radius); background: #000; }
.prk-generator a { color: var(--prk-accent); }
`;
