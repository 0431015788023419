// The email address field of a form, with its error (if any) tied to it for screen readers.

export function EmailField(props: { label: string; value: string; error: string | null }) {
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for="email">{props.label}</label>
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
        required
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? 'email-error' : undefined}
      />
    </div>
  );
}
