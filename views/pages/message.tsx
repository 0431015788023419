// A page that says one thing: check your inbox, this link has expired, not found, and so on.
import type { Child } from 'hono/jsx';
import { Layout, type LayoutProps } from '../layout.tsx';

export interface MessagePageProps extends Omit<LayoutProps, 'children'> {
  paragraphs: string[];
  tone?: 'info' | 'success' | 'error';
  children?: Child;
}

export function MessagePage(props: MessagePageProps) {
  return (
    <Layout {...props}>
      <h1 class={`tone-${props.tone ?? 'info'}`}>{props.title}</h1>
      {props.paragraphs.map((text) => (
        <p>{text}</p>
      ))}
      {props.children}
    </Layout>
  );
}
