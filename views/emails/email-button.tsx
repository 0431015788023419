// The one call to action of an email, with its URL written out below for clients that show no
// buttons (and for people who want to see where a link goes).
export function EmailButton(props: { href: string; label: string; accent: string }) {
  return (
    <>
      <p style="margin:24px 0">
        <a
          href={props.href}
          style={`display:inline-block;background:${props.accent};color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600`}
        >
          {props.label}
        </a>
      </p>
      <p style="font-size:13px;word-break:break-all;color:#52525b">{props.href}</p>
    </>
  );
}
