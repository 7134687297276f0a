#include "families/letter.hpp"

#include "print/pdf.hpp"

namespace families {

namespace {
// "2026-12-22" → "2026年12月22日"
std::string JapaneseDate(const std::string& iso) {
    if (iso.size() != 10) return iso;
    auto strip = [](std::string s) { return s[0] == '0' ? s.substr(1) : s; };
    return iso.substr(0, 4) + "年" + strip(iso.substr(5, 2)) + "月" + strip(iso.substr(8, 2)) + "日";
}
}  // namespace

std::string RenderLetters(const std::vector<LetterContent>& letters) {
    print::PdfDocument doc("保護者登録のご案内");
    const double left = 20, width = 170;
    bool first = true;
    for (const auto& l : letters) {
        if (!first) doc.NextPage();
        first = false;
        double y = 18;
        doc.Text(left, y, l.issued_on.empty() ? "" : JapaneseDate(l.issued_on), {9, false, width});
        y += 4;
        doc.Text(left, y, l.site_name, {11, false, width});
        y += 12;
        y += doc.Text(left, y, "保護者登録のご案内", {20, true, width, true});
        y += doc.Text(left, y, "Guardian registration", {10, false, width, true}) + 8;
        y += doc.Text(left, y, l.child_name + " さんの保護者様", {15, true, width});
        y += doc.Text(left, y, l.child_kana, {10, false, width}) + 6;
        y += doc.Text(left, y,
                      "tadaima（ただいま）は、お子さまの入退室のお知らせ、出欠の予定や欠席の連絡、施設からの"
                      "お知らせをスマートフォンでお受け取りいただける仕組みです。次の手順でご登録ください。",
                      {11, false, width}) +
             6;
        const double qr = 52;
        doc.Qr(left, y, qr, l.url);
        double ty = y + 2;
        const double tx = left + qr + 8, tw = width - qr - 8;
        ty += doc.Text(tx, ty, "1. スマートフォンのカメラで左のQRコードを読み取ります。", {11, false, tw}) + 2;
        ty += doc.Text(tx, ty, "2. お名前、メールアドレス、パスワードを入力します。", {11, false, tw}) + 2;
        ty +=
            doc.Text(tx, ty, "3. 届いたメールのリンクを開くと登録が完了し、お子さまが表示されます。", {11, false, tw}) +
            2;
        y = std::max(y + qr, ty) + 6;
        doc.Box(left, y, width, 30, 1.2);
        doc.Text(left + 6, y + 4, "登録コード（Registration code）", {10, false, width - 12});
        doc.Text(left + 6, y + 10, l.code, {24, true, width - 12});
        doc.Text(left + 6, y + 22,
                 "有効期限：" + JapaneseDate(l.expires_on) + "まで（Valid until " + l.expires_on + "）",
                 {10, false, width - 12});
        y += 38;
        y += doc.Text(left, y, "QRコードが読み取れないときは、次のアドレスを開いて登録コードを入力してください。",
                      {10, false, width}) +
             1;
        y += doc.Text(left, y, l.register_url, {11, true, width}) + 6;
        y += doc.Text(left, y,
                      "・このコードは一度だけ使えます。第三者に渡さないでください。\n"
                      "・ごきょうだいがいる場合は、お子さまごとの案内のコードを同じアカウントで入力してください。\n"
                      "・ほかのご家族は、登録後にアプリの「家族を招待」から招待できます。\n"
                      "・有効期限が過ぎたときやこの案内をなくしたときは、施設にお申し出ください。",
                      {10, false, width}) +
             6;
        if (!l.site_phone.empty())
            doc.Text(left, y, "お問い合わせ：" + l.site_name + "（" + l.site_phone + "）", {10, false, width});
    }
    return doc.Finish();
}

}  // namespace families
