// The email address field of a form, with its error (if any) tied to it for screen readers.

export function EmailField(props: { label: string; value: string; error: string | null; hint?: string; required?: boolean }) {
  const described = [props.hint ? 'email-hint' : null, props.error ? 'email-error' : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for="email">{props.label}</label>
      {props.hint ? (
        <p class="hint" id="email-hint">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="error" id="email-error">
          {props.error}
        </p>
      ) : null}
      <input
        type="email"
        name="email"
        id="email"
        value={props.value}
        autocomplete="email"
        // The longest address a mail server takes (RFC 5321), as the server checks it too.
        maxlength={254}
        required={props.required ?? true}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described}
      />
    </div>
  );
}
