// A first-run site, so `npm start` on an empty database has a signup page to try at /s/demo.
import type { Deps } from '../deps.ts';
import { countSites } from '../db/sites.ts';

interface SeedCategory {
  key: string;
  kind: 'opt_in' | 'exempt';
  en: { name: string; description: string; purpose: string; frequency: string };
  ja: { name: string; description: string; purpose: string; frequency: string };
}

const CATEGORIES: SeedCategory[] = [
  {
    key: 'newsletter',
    kind: 'opt_in',
    en: {
      name: 'Newsletter',
      description: 'Stories from the shop, new products and how they are made.',
      purpose: 'To keep you informed about our products and news.',
      frequency: 'Monthly',
    },
    ja: {
      name: 'ニュースレター',
      description: 'ショップの近況、新商品、ものづくりの話をお届けします。',
      purpose: '商品とお知らせのご案内のため。',
      frequency: '月1回',
    },
  },
  {
    key: 'offers',
    kind: 'opt_in',
    en: {
      name: 'Offers',
      description: 'Discounts, sales and coupons.',
      purpose: 'To send you promotions and special prices.',
      frequency: 'Weekly',
    },
    ja: {
      name: 'キャンペーン・クーポン',
      description: '割引、セール、クーポンのお知らせ。',
      purpose: 'キャンペーンや特別価格のご案内のため。',
      frequency: '週1回',
    },
  },
  {
    key: 'account',
    kind: 'exempt',
    en: {
      name: 'Account and order notices',
      description: 'Receipts, shipping updates and changes to our terms.',
      purpose: 'To carry out orders and contracts.',
      frequency: 'When needed',
    },
    ja: {
      name: 'アカウント・ご注文に関するお知らせ',
      description: '領収書、発送のお知らせ、規約変更のご案内。',
      purpose: 'ご注文と契約の履行のため。',
      frequency: '必要に応じて',
    },
  },
];

export const DEMO_SITE_ID = 'demo';

/** Seeds the demo site when the database has no site at all. Returns whether it did. */
export async function seedDemoSiteIfEmpty(deps: Deps): Promise<boolean> {
  if ((await countSites(deps.db)) > 0) return false;
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  await deps.atomic([
    db
      .insertInto('sites')
      .values({
        id: DEMO_SITE_ID,
        name: 'Demo Shop',
        legal_name: 'Demo Shop K.K.',
        postal_address: '1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan',
        inquiry_contact: 'privacy@example.com',
        sender_address: null,
        privacy_policy_url: 'https://example.com/privacy',
        privacy_policy_version: '2026-01',
        default_locale: 'en',
        time_zone: 'Asia/Tokyo',
        created_at: now,
      })
      .compile(),
    ...CATEGORIES.flatMap((category, position) => [
      db
        .insertInto('categories')
        .values({ site_id: DEMO_SITE_ID, key: category.key, kind: category.kind, position, created_at: now })
        .compile(),
      ...(['en', 'ja'] as const).map((locale) =>
        db
          .insertInto('category_translations')
          .values({ site_id: DEMO_SITE_ID, category_key: category.key, locale, ...category[locale] })
          .compile(),
      ),
    ]),
  ]);
  deps.log.info(`Seeded the demo site: ${deps.config.baseUrl}/s/${DEMO_SITE_ID}`);
  return true;
}
