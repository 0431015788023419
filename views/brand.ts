// A site's own look on its public pages (domain/site-branding.ts): the route that knows the site
// names it (render.tsx showBrand), and the layout links its stylesheet and shows its logo.
import { createContext, useContext } from 'hono/jsx';

export interface SiteBrand {
  name: string;
  /** Root-relative paths, versioned. */
  logo: string | null;
  stylesheet: string | null;
}

export const Brand = createContext<SiteBrand | null>(null);

export const useBrand = () => useContext(Brand);
