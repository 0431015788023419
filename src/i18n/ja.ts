// 日本語のメッセージカタログ（en.ts と同じ形）。
import type { Messages } from './en.ts';

export const ja: Messages = {
  languageName: '日本語',
  common: {
    switchLanguage: '言語',
    opensInNewTab: '（新しいタブで開きます）',
  },
  duration: {
    days: (n) => `${n}日間`,
    hours: (n) => `${n}時間`,
    minutes: (n) => `${n}分間`,
  },
  signup: {
    title: (site) => `${site} のメール配信登録`,
    intro: (site) =>
      `${site} から受け取りたいメールを選んでください。あらかじめチェックが入っている項目はありません。選択はいつでも変更できます。`,
    choose: '受け取るメールの種類',
    purpose: '目的',
    frequency: '配信頻度',
    exemptHeading: '同意なしでお送りするメール',
    exemptIntro:
      'これらは広告ではありません。アカウントやご注文に関するお知らせなど、必要なときにお送りするもので、同意は不要です。',
    email: 'メールアドレス',
    name: 'お名前',
    optional: '（任意）',
    consentHeading: '同意事項',
    consent: (legalName) =>
      `「登録する」を押すことで、${legalName} が上でチェックした種類のメールを、記載の目的で、入力したアドレスに送信することに同意します。この同意は、すべてのメールに記載のリンクからいつでも撤回できます。登録の確認のため、まず確認メールをお送りします。`,
    privacy: (version) => `プライバシーポリシー（版: ${version}）`,
    submit: '登録する',
    errorSummary: '入力内容を確認してください。',
    errorTitle: (title) => `エラー: ${title}`,
    errors: {
      emailMissing: 'メールアドレスを入力してください。',
      emailInvalid: 'name@example.com のような形式のメールアドレスを入力してください。',
      emailTooLong: 'メールアドレスは254文字以内で入力してください。',
      nameTooLong: 'お名前は100文字以内で入力してください。',
      nameInvalid: 'お名前に改行や制御文字は使えません。',
      categoriesMissing: '受け取るメールの種類を1つ以上選んでください。',
      categoriesUnknown: '選択されたメールの種類の中に存在しないものがあります。一覧から選んでください。',
      wordingChanged: 'ページを開いている間に内容が更新されました。内容をもう一度ご確認のうえ、送信してください。',
    },
  },
  checkInbox: {
    title: '受信トレイをご確認ください',
    body: '入力されたアドレスがメールを受信できる場合、登録内容を確認するためのリンクを記載したメールをお送りしました。メールを開き、リンク先のページのボタンを押してください。',
    expiry: (ttl) => `リンクの有効期間は${ttl}です。確認が完了するまで、そのメール以外は届きません。`,
    already: 'すでに登録を確認済みの場合は、これ以上の操作は不要です。',
  },
  confirm: {
    title: '登録の確認',
    intro: (site) => `${site} から次のメールを受け取ることを確認するには、ボタンを押してください。`,
    button: '確認する',
    nothingYet: 'ボタンを押すまで、何も変更されません。',
    doneTitle: '登録が確認されました',
    doneIntro: (site) => `ありがとうございます。${site} から次のメールをお送りします。`,
    doneNone: 'このリンクで確認する項目は残っていません。',
    doneOutro: 'お送りするすべてのメールに、設定の変更や配信停止のためのリンクを記載しています。',
    invalidTitle: 'このリンクは使えません',
    invalidBody:
      'リンクが途中で切れているか、変更されているか、別のページ用のものです。メールからリンク全体をコピーするか、もう一度登録してください。',
    expiredTitle: 'このリンクは有効期限が切れています',
    expiredBody: (ttl) =>
      `確認リンクの有効期間は${ttl}です。ご登録のアドレスに新しいリンクをお送りできます。`,
    resendButton: '新しいリンクを送る',
    resentTitle: '新しいリンクをお送りしました',
    resentBody:
      'まだ確認が必要な項目がある場合、ご登録のアドレスに新しいメールをお送りします。届くまで少しかかることがあります。',
  },
  errors: {
    notFoundTitle: 'ページが見つかりません',
    notFoundBody: 'このアドレスには何もありません。リンクを確認して、もう一度お試しください。',
    serverTitle: '問題が発生しました',
    serverBody: '変更は行われていません。しばらくしてから、もう一度お試しください。',
    badRequestTitle: 'リクエストを読み取れませんでした',
    badRequestBody: '変更は行われていません。前のページに戻り、再読み込みしてから、もう一度お試しください。',
  },
  email: {
    confirmSubject: (site) => `${site} のメール配信登録の確認`,
    confirmIntro: (site) =>
      `このアドレスで ${site} から次のメールを受け取るための登録がありました。`,
    confirmAction: '確認するには、次のリンクを開き、表示されたページのボタンを押してください。',
    confirmButton: '登録を確認する',
    confirmExpiry: (when) => `リンクの有効期限: ${when}`,
    confirmIgnore: 'お心当たりがない場合は、このメールを破棄してください。登録は行われません。',
    sentBy: (legalName) => `送信者: ${legalName}`,
  },
  mailbox: {
    title: '開発用メールボックス',
    intro: 'メール配信サービスなしで「送信」されたメールです（RESEND_API_KEY 未設定）。新しい順。',
    empty: 'まだメールはありません。登録ページで登録すると、確認メールがここに表示されます。',
    to: '宛先',
    at: '送信日時',
    viewHtml: 'HTML で表示',
  },
};
