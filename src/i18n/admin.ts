// The console's words, in English and Japanese (the public pages' are in en.ts and ja.ts).
import type { Locale } from './index.ts';

const en = {
  console: 'assent console',
  signIn: {
    title: 'Sign in',
    intro: 'Sign in to manage your sites, their signups and the proof of consent.',
    email: 'Email address',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'That address and password do not match an operator. Check both and try again.',
    limited: (minutes: number) => `Too many attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
    signedOut: 'You are signed out.',
  },
  setup: {
    title: 'Choose your password',
    intro: (email: string) => `You are setting up the console account for ${email}.`,
    password: 'New password',
    passwordHint: 'At least 12 characters. A few unrelated words make a good one.',
    repeat: 'The same password again',
    submit: 'Save and sign in',
    invalidTitle: 'This setup link does not work',
    invalidBody: 'It was used already, it ran out after 24 hours, or it was replaced. Ask an owner for a new one (npm run cli -- operator reset).',
    tooShort: 'Use at least 12 characters.',
    tooLong: 'Use at most 200 characters.',
    mismatch: 'The two passwords differ. Type the same one twice.',
  },
  home: {
    title: 'Your sites',
    none: 'There is no site here yet.',
    allSites: 'every site',
    signedInAs: (email: string, role: string) => `Signed in as ${email} (${role}).`,
    signOut: 'Sign out',
  },
  roles: { owner: 'owner', editor: 'editor', viewer: 'viewer' },
};

export type AdminMessages = typeof en;

const ja: AdminMessages = {
  console: 'assent 管理画面',
  signIn: {
    title: 'ログイン',
    intro: 'サイト、登録、同意の証明を管理するにはログインしてください。',
    email: 'メールアドレス',
    password: 'パスワード',
    submit: 'ログイン',
    wrong: 'メールアドレスとパスワードの組み合わせが正しくありません。両方を確認して、もう一度お試しください。',
    limited: (minutes: number) => `試行回数が多すぎます。${minutes}分後にもう一度お試しください。`,
    signedOut: 'ログアウトしました。',
  },
  setup: {
    title: 'パスワードの設定',
    intro: (email: string) => `${email} の管理画面アカウントを設定しています。`,
    password: '新しいパスワード',
    passwordHint: '12文字以上。関係のない単語をいくつか並べると覚えやすく安全です。',
    repeat: 'もう一度同じパスワード',
    submit: '保存してログイン',
    invalidTitle: 'この設定リンクは使えません',
    invalidBody: '使用済みか、24時間の期限が切れたか、新しいリンクに置き換えられました。オーナーに新しいリンクを依頼してください（npm run cli -- operator reset）。',
    tooShort: '12文字以上にしてください。',
    tooLong: '200文字以内にしてください。',
    mismatch: '2つのパスワードが一致しません。同じものを2回入力してください。',
  },
  home: {
    title: 'サイト一覧',
    none: 'まだサイトがありません。',
    allSites: 'すべてのサイト',
    signedInAs: (email: string, role: string) => `${email}（${role}）としてログイン中。`,
    signOut: 'ログアウト',
  },
  roles: { owner: 'オーナー', editor: '編集者', viewer: '閲覧者' },
};

export function adminMessages(locale: Locale): AdminMessages {
  return locale === 'ja' ? ja : en;
}
