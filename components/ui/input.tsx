import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';

// The console's one look for form fields: text inputs, selects and text areas
// share it, at least 36 px tall (a target big enough to hit on a phone).
/** Without width or display, for fields that size to their content. */
export const FIELD_BASE_CLASS =
  'min-h-9 rounded-md border border-line-strong bg-surface px-2 py-1.5 text-sm text-fg';
export const FIELD_CLASS = `block w-full ${FIELD_BASE_CLASS}`;

export function Input({ className = '', ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} className={`${FIELD_CLASS} ${className}`} />;
}

export function Select({ className = '', ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} className={`${FIELD_CLASS} ${className}`} />;
}

export function TextArea({ className = '', ...props }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea {...props} className={`${FIELD_CLASS} ${className}`} />;
}

/** A label above its field, with an optional hint below. */
export function Field({
  label,
  hint,
  children,
  className = '',
}: {
  label: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <label className={`flex flex-col gap-1 text-xs text-muted ${className}`}>
      <span>{label}</span>
      {children}
      {hint && <span className="text-xs text-muted">{hint}</span>}
    </label>
  );
}

export const BUTTON_CLASS =
  'inline-flex min-h-9 items-center justify-center rounded-md bg-inverse px-3 py-1.5 text-sm font-medium text-inverse-fg disabled:opacity-60';
export const SECONDARY_BUTTON_CLASS =
  'inline-flex min-h-9 items-center justify-center rounded-md border border-line-strong px-3 py-1.5 text-sm font-medium text-fg hover:bg-subtle disabled:opacity-60';
