// A labelled console field with its hint and, after a refused save, what is wrong with it: the
// hint and the error are tied to the input (aria-describedby), so a screen reader hears both.
export interface FieldProps {
  id: string;
  name?: string;
  label: string;
  hint?: string | undefined;
  error?: string | null | undefined;
  value: string;
  /** Viewers read the settings but cannot change them. */
  readOnly?: boolean;
  multiline?: boolean;
  maxlength?: number;
  inputmode?: 'url' | 'email' | 'text';
  required?: boolean;
  placeholder?: string;
}

export function Field(props: FieldProps) {
  const described = [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(Boolean).join(' ') || undefined;
  const common = {
    id: props.id,
    name: props.name ?? props.id,
    maxlength: props.maxlength,
    readonly: props.readOnly,
    required: props.required,
    placeholder: props.placeholder,
    'aria-invalid': props.error ? 'true' : undefined,
    'aria-describedby': described,
  };
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
      {props.multiline ? (
        <textarea {...common} rows={4} class="text-area">
          {props.value}
        </textarea>
      ) : (
        <input type="text" inputmode={props.inputmode} value={props.value} {...common} />
      )}
    </div>
  );
}
