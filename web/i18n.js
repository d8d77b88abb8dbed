// i18n.js - every label of the portal and the officers' app, Chinese first.
//
// One dictionary for both pages so a term (预算数, 执行率 …) reads the same
// everywhere. Each entry is [中文, English]. The Chinese names of project kinds,
// statuses, domains and milestone kinds come from GET /api/v1/enums (the server
// owns them, as it accepts them in CSV files); only their English names live here.
// The chosen language is remembered in localStorage.

const DICT = {
  // --- shared ---------------------------------------------------------------
  'lang.switch': ['English', '中文'],
  'lang.switch.title': ['Switch to English', '切换到中文'],
  'common.loading': ['正在加载…', 'Loading…'],
  'common.none': ['暂无', 'None yet'],
  'common.dismiss': ['关闭', 'Dismiss'],
  'common.field': ['字段', 'field'],
  'common.search': ['搜索', 'Search'],
  'common.all': ['全部', 'All'],
  'common.prev': ['上一页', 'Previous'],
  'common.next': ['下一页', 'Next'],
  'common.page': ['第 {from}–{to} 条，共 {total} 条', '{from}–{to} of {total}'],
  'common.total': ['合计', 'Total'],
  'common.date': ['日期', 'Date'],
  'common.yes': ['是', 'Yes'],
  'common.no': ['否', 'No'],
  'common.save': ['保存', 'Save'],
  'common.cancel': ['取消', 'Cancel'],
  'common.details': ['详情', 'Details'],
  'common.submit': ['提交', 'Submit'],
  'common.unit.wan': ['万元', '¥10k'],
  'common.unit.yuan': ['元', 'yuan'],
  'common.projects_count': ['项目数', 'Projects'],
  'common.tx_unit': ['笔', ''],
  'common.error.network': ['无法连接服务器，请检查网络后重试', 'Cannot reach the server; check the connection and retry'],
  'common.error.http': ['服务器返回错误（HTTP {status}）', 'The server answered with an error (HTTP {status})'],
  'common.crypto_unavailable': ['此浏览器环境不支持 Web Crypto，无法在页面内校验；请使用命令行校验。', 'Web Crypto is not available here; verify with the command line instead.'],

  // --- phones and print (web/phone.js, web/print.js, web/app/reports.js) -----------
  'layout.menu': ['菜单', 'Menu'],
  'layout.menu.open': ['打开菜单', 'Open the menu'],
  'layout.scroll_hint': ['表格较宽，可左右滑动查看其余各列', 'Swipe sideways to see the other columns'],
  'layout.export_pdf': ['导出PDF', 'Export PDF'],
  'layout.export_pdf.title': ['按报表格式打印，或在打印对话框中选择“另存为PDF”', 'Print as a report, or choose "Save as PDF" in the print dialog'],
  'layout.print.unit_org': ['制表单位', 'Prepared by (unit)'],
  'layout.print.as_of': ['统计截止日期', 'Figures as of'],
  'layout.print.money_unit': ['金额单位', 'Amounts in'],
  'layout.print.score_unit': ['计分单位', 'Scores in'],
  'layout.print.preparer': ['制表人', 'Prepared by'],
  'layout.print.reviewer': ['审核人', 'Reviewed by'],
  'layout.print.head': ['负责人', 'Approved by'],
  'layout.print.sign_date': ['日期', 'Date'],
  'layout.unit.yuan': ['元', 'yuan'],
  'layout.unit.wan': ['万元', '10,000 yuan'],
  'layout.unit.points': ['分', 'points'],
  'layout.unit.mixed': ['亿元、万元（见各项标注）', '100m or 10,000 yuan, as marked'],
  'layout.report.budget': ['预算执行情况表', 'Budget execution report'],
  'layout.report.balances': ['资金账户余额表', 'Fund account balances'],
  'layout.report.statement': ['账户明细账', 'Account statement'],
  'layout.report.findings': ['审计发现问题清单', 'Audit findings'],
  'layout.report.assessment': ['年度考核结果', 'Yearly assessment results'],
  'layout.report.overview': ['结对帮扶资金与项目概况', 'Paired assistance at a glance'],
  'layout.report.counties': ['分县区资金执行情况表', 'Fund execution by county'],
  'layout.report.audit': ['联合审计问题汇总表', 'Joint audit findings by county'],
  'layout.report.ranking': ['年度考核排名', 'Yearly assessment ranking'],
  'layout.report.pairing_scores': ['结对关系考核得分表', 'Assessment scores of a pairing'],

  // --- money and execution ----------------------------------------------------
  'money.arranged': ['已安排资金', 'Funds arranged'],
  'money.arranged.hint': ['各帮扶方资金来源已拨出', 'paid out by the donors\' fund sources'],
  'money.pooled': ['资金池结余', 'Held in pools'],
  'money.pooled.hint': ['尚未下达到项目', 'not yet allocated to projects'],
  'money.allocated': ['已拨付项目', 'Allocated to projects'],
  'money.allocated.hint': ['已下达至项目账户', 'posted into project accounts'],
  'money.paid': ['项目已支出', 'Paid by projects'],
  'money.paid.hint': ['项目账户已付给收款单位', 'paid from project accounts to payees'],
  'money.pending': ['待审批', 'Awaiting approval'],
  'money.pending.hint': ['{n} 笔拨付申请，其中已过期 {e} 笔', '{n} requests, {e} of them expired'],
  'exec.budget': ['预算数', 'Budget'],
  'exec.allocated': ['已拨付', 'Allocated'],
  'exec.committed': ['待审批', 'Pending'],
  'exec.paid': ['已支出', 'Paid'],
  'exec.rate': ['执行率', 'Execution'],
  'exec.rate.hint': ['执行率 = 已支出 ÷ 预算数', 'execution = paid ÷ budget'],

  // --- counts -----------------------------------------------------------------
  'count.pairings': ['结对关系', 'Pairings'],
  'count.county_pairings': ['县区结对', 'County pairings'],
  'count.projects': ['项目', 'Projects'],
  'count.budget': ['项目预算合计', 'Total project budget'],
  'count.orgs': ['参与单位', 'Organisations'],
  'count.milestones': ['定格时刻', 'Key moments'],
  'count.exchanges': ['人才交流', 'People exchanges'],
  'count.people': ['交流人次', 'People exchanged'],
  'count.accounts': ['资金账户', 'Fund accounts'],
  'count.transfers': ['资金往来', 'Transfers'],

  // --- portal ---------------------------------------------------------------------
  'portal.title': ['南北结对帮扶 · 资金与项目公开', 'North–South Paired Assistance · Funds and Projects'],
  'portal.heading': ['南北结对帮扶资金与项目公开', 'Paired assistance: funds and projects in the open'],
  'portal.subtitle.default': ['江苏省南北结对帮扶合作', 'Jiangsu north–south pairing assistance'],
  'portal.officer_login': ['工作人员登录', 'Officers\' sign-in'],
  'portal.nav.overview': ['项目概览', 'At a glance'],
  'portal.nav.moments': ['定格时刻', 'Key moments'],
  'portal.nav.counties': ['分县区', 'By county'],
  'portal.nav.flows': ['资金流向', 'Fund flow'],
  'portal.nav.projects': ['项目库', 'Projects'],
  'portal.nav.audit': ['联合审计', 'Joint audit'],
  'portal.audit.lead': ['帮扶双方联合审计组按共同制定的资金管理办法检查账本。下表按县区汇总审计发现的问题数量、涉及金额（单位：万元）和整改进展；内部整改说明不公开。未公开项目的问题不计入。', 'The joint audit team of both sides checks the books against the jointly drawn-up fund measures. The tables count the findings per county, the money involved (¥10k) and how far rectification has gone; the internal notes are not published, nor are findings about unpublished projects.'],
  'portal.audit.count': ['问题数', 'Findings'],
  'portal.audit.amount': ['涉及金额', 'Amount involved'],
  'portal.audit.rule': ['问题类型', 'Rule'],
  'portal.audit.status': ['整改状态', 'Status'],
  'portal.audit.by_rule': ['按问题类型', 'By rule'],
  'portal.audit.none': ['暂无审计发现。', 'No findings yet.'],
  'portal.audit.no_county': ['市级（未分县区）', 'City level (no county)'],
  'portal.nav.ledger': ['可信账本', 'Verifiable books'],
  'portal.nav.assessment': ['年度考核', 'Assessment'],
  'portal.assess.lead': ['省考核办每年按考核方案对各结对关系打分、评定等次并排名。每一分都由同一本账计算得出，点击结对名称可查看各项指标得分及其依据（项目、资金），结果作为事件写入可信账本。', 'Each year the province scores every pairing under its assessment scheme, places it in a tier and ranks it. Every point is computed from the same books: click a pairing for its indicators and the projects and money behind them. The result is an event of the verifiable books.'],
  'portal.assess.none': ['尚未发布年度考核结果。', 'No assessment has been published yet.'],
  'portal.assess.year': ['考核年度', 'Year'],
  'portal.assess.meta': ['{year}年度 · {scheme} · 发布于 {date}（账本第 {seq} 条）', '{year} · {scheme} · published {date} (log entry {seq})'],
  'portal.assess.radar': ['各领域得分率（占该领域权重的百分比）', 'Points by area (percent of the area\'s weight)'],
  'portal.assess.back': ['← 返回考核排名', '← Back to the ranking'],
  'portal.assess.not_found': ['未找到该结对的考核结果。', 'No published result for this pairing.'],
  'portal.assess.flows': ['资金流向', 'fund flow'],
  'portal.assess.counties': ['分县区预算执行', 'budget by county'],
  'portal.assess.audit': ['联合审计', 'joint audit'],
  'portal.assess.unpublished': ['（未公开项目）', '(not published)'],
  'portal.overview.lead': ['帮扶资金从帮扶方资金来源拨入资金池，再下达到各项目，由项目支付给承建和供货单位。以下数字均由同一本账实时计算。', 'Assistance funds go from the donors\' fund sources into a pool, from there to the projects, and from the projects to builders and suppliers. Every figure below is computed live from the same books.'],
  'portal.chart.kind': ['按项目类别', 'By kind'],
  'portal.chart.status': ['按实施状态', 'By status'],
  'portal.chart.domain': ['按帮扶领域', 'By domain'],
  'portal.chart.count_tip': ['{n} 个项目，预算 {b}', '{n} projects, budget {b}'],
  'portal.moments.lead': ['项目推进中的关键节点：签约、开工、首航、投用、验收。', 'The turning points of the projects: signings, start of works, first voyages, opening, acceptance.'],
  'portal.moments.more': ['显示全部 {n} 个定格时刻', 'Show all {n} key moments'],
  'portal.counties.lead': ['按项目所在县区汇总的预算执行情况（金额单位：万元）。', 'Budget execution by the county where each project is (amounts in ¥10k).'],
  'portal.counties.region': ['县区', 'County'],
  'portal.flows.lead': ['从帮扶方资金来源经资金池、项目类别到受援县区的已拨付资金（单位：万元）。', 'Funds posted from the donors\' sources through the pool and project kinds to the recipient counties (¥10k).'],
  'portal.projects.lead': ['已公开的帮扶项目。点击项目名称查看预算执行、定格时刻和资金账户。', 'Published projects. Click a name for its budget execution, key moments and fund accounts.'],
  'portal.projects.search_placeholder': ['项目名称或编号', 'Project name or code'],
  'portal.ledger.lead': ['每一笔资金往来和每一次项目变更都作为事件写入只增不改的日志（RFC 9162 Merkle 树），帮扶双方各自用密钥对日志的“检查点”签名。任何人都可以用检查点核对账本没有被事后改动。', 'Every transfer and every change to a project is an event appended to a log that can only grow (an RFC 9162 Merkle tree); each side of the pairing signs checkpoints of it with its own key. Anyone can use a checkpoint to check that the books were not changed afterwards.'],
  'portal.ledger.size': ['日志条目数', 'Log size'],
  'portal.ledger.root': ['当前根哈希', 'Current root hash'],
  'portal.ledger.note': ['最新签名检查点', 'Latest signed checkpoint'],
  'portal.ledger.no_note': ['尚未签署检查点。', 'No checkpoint has been signed yet.'],
  'portal.ledger.verify_title': ['自行验证', 'Verify it yourself'],
  'portal.ledger.step1': ['账本数据包由系统管理方用第一条命令导出并公布；下载后用第二条命令在本机完整校验（重新计算整棵树、核对每个签名、重放全部事件）：', 'The operators export the log bundle with the first command and publish it; download it and check all of it on your own machine with the second (it recomputes the tree, checks every signature and replays every event):'],
  'portal.ledger.step2': ['核对某一条记录是否在已签名的账本中：向服务器索取包含证明，并按 RFC 9162 §2.1.3.2 自行计算根哈希，与检查点中的根哈希比对：', 'Check that one entry is in the signed books: ask for an inclusion proof and recompute the root yourself (RFC 9162 §2.1.3.2), then compare it with the checkpoint\'s root:'],
  'portal.ledger.step3': ['或者直接在本页校验（计算在您的浏览器中进行）：', 'Or check it here (the computation runs in your browser):'],
  'portal.ledger.trust_note': ['签名公钥由帮扶双方另行公布；请用您从官方渠道获得的公钥校验签名。', 'The signers\' public keys are published separately by both sides; check signatures with keys you obtained from them.'],

  // --- inclusion proofs ---------------------------------------------------------
  'proof.index': ['条目序号', 'Entry index'],
  'proof.size': ['树大小', 'Tree size'],
  'proof.submit': ['获取并校验包含证明', 'Fetch and verify the inclusion proof'],
  'proof.ok': ['校验通过：第 {i} 条记录包含在大小为 {n} 的账本中，根哈希与{what}一致。', 'Verified: entry {i} is in the tree of size {n}; the root matches {what}.'],
  'proof.ok.signed': ['已签名检查点', 'the signed checkpoint'],
  'proof.ok.server': ['服务器返回的根哈希（该大小没有签名检查点）', 'the root the server gave (no signed checkpoint at that size)'],
  'proof.bad': ['校验失败：由证明计算出的根哈希与{what}不一致！', 'Verification FAILED: the root computed from the proof does not match {what}!'],
  'proof.leaf_ok': ['条目内容的哈希与 leaf_hash 一致。', 'The entry\'s hash matches leaf_hash.'],
  'proof.leaf_bad': ['条目内容的哈希与 leaf_hash 不一致！', 'The entry\'s hash does NOT match leaf_hash!'],
  'proof.computed': ['计算所得根哈希', 'Computed root'],
  'proof.raw': ['服务器返回的证明', 'The proof as served'],

  // --- projects -----------------------------------------------------------------
  'project.code': ['项目编号', 'Code'],
  'project.name': ['项目名称', 'Project'],
  'project.kind': ['类别', 'Kind'],
  'project.status': ['状态', 'Status'],
  'project.domain': ['领域', 'Domain'],
  'project.region': ['所在地区', 'Location'],
  'project.pairing': ['结对关系', 'Pairing'],
  'project.budget': ['预算数', 'Budget'],
  'project.start_date': ['开始日期', 'Start'],
  'project.end_date': ['结束日期', 'End'],
  'project.beneficiaries': ['受益人数', 'Beneficiaries'],
  'project.public': ['公开', 'Published'],
  'project.source': ['数据来源', 'Source'],
  'project.execution': ['预算执行', 'Budget execution'],
  'project.milestones': ['定格时刻', 'Key moments'],
  'project.accounts': ['资金账户', 'Fund accounts'],
  'project.back': ['← 返回项目库', '← Back to the projects'],
  'project.not_found': ['未找到该项目。', 'No such project.'],
  'project.progress': ['已支出 {p}，占预算 {r}', 'Paid {p}, {r} of the budget'],

  // --- enums the server does not name (both languages here) --------------------
  'enum.source.article': ['源自新闻报道', 'from the source article'],
  'enum.source.synthetic': ['示例数据（虚构）', 'synthetic example'],
  'enum.account_kind.source': ['资金来源', 'Fund source'],
  'enum.account_kind.pool': ['资金池', 'Pool'],
  'enum.account_kind.project': ['项目', 'Project'],
  'enum.account_kind.payee': ['收款单位', 'Payee'],
  'enum.role.admin': ['系统管理员', 'Administrator'],
  'enum.role.donor': ['帮扶方资金经办', 'Donor officer'],
  'enum.role.recipient': ['受援方项目经办', 'Recipient officer'],
  'enum.role.auditor': ['联合审计组', 'Joint auditor'],
  'enum.role.assessor': ['考核办', 'Assessor'],
  'enum.state.pending': ['待审批', 'Pending'],
  'enum.state.posted': ['已入账', 'Posted'],
  'enum.state.approved': ['已批准', 'Approved'],
  'enum.state.voided': ['已驳回', 'Voided'],
  'enum.state.expired': ['已过期', 'Expired'],
  'enum.transfer_kind.posted': ['入账', 'Posted'],
  'enum.transfer_kind.pending': ['申请冻结', 'Request (reserved)'],
  'enum.transfer_kind.post': ['批准入账', 'Approved'],
  'enum.transfer_kind.void': ['驳回释放', 'Rejected (released)'],
  // English names of the server's enums; their Chinese names come from /api/v1/enums.
  'enum.kind.livelihood': [null, 'Small livelihood'],
  'enum.kind.park': [null, 'Co-built park'],
  'enum.kind.chain': [null, 'Industrial chain'],
  'enum.kind.talent': [null, 'Talent exchange'],
  'enum.kind.other': [null, 'Other'],
  'enum.status.proposed': [null, 'Proposed'],
  'enum.status.approved': [null, 'Approved'],
  'enum.status.in_progress': [null, 'In progress'],
  'enum.status.completed': [null, 'Completed'],
  'enum.status.accepted': [null, 'Accepted'],
  'enum.domain.industry': [null, 'Industry'],
  'enum.domain.technology': [null, 'Science & technology'],
  'enum.domain.education': [null, 'Education'],
  'enum.domain.health': [null, 'Health'],
  'enum.domain.employment': [null, 'Human resources'],
  'enum.domain.culture_tourism': [null, 'Culture, tourism & care'],
  'enum.domain.transport': [null, 'Transport'],
  'enum.domain.other': [null, 'Other'],
  'enum.milestone_kind.signing': [null, 'Signing'],
  'enum.milestone_kind.start': [null, 'Start of works'],
  'enum.milestone_kind.first_voyage': [null, 'First voyage'],
  'enum.milestone_kind.in_use': [null, 'Put into use'],
  'enum.milestone_kind.completion': [null, 'Completion'],
  'enum.milestone_kind.acceptance': [null, 'Acceptance'],
  'enum.milestone_kind.visit': [null, 'Visit'],
  'enum.milestone_kind.other': [null, 'Other'],
  'enum.rule.idle_funds': [null, 'Idle funds'],
  'enum.rule.slow_onward_transfer': [null, 'Slow onward transfer'],
  'enum.rule.purpose_mismatch': [null, 'Purpose mismatch'],
  'enum.rule.negative_list': [null, 'Spending on the negative list'],
  'enum.rule.advance_too_large': [null, 'Advance payment too large'],
  'enum.rule.final_without_acceptance': [null, 'Final payment before acceptance'],
  'enum.rule.split_contracts': [null, 'Split contracts'],
  'enum.rule.duplicate_application': [null, 'Duplicate application'],
  'enum.rule.supplier_capture': [null, 'Supplier capture'],
  'enum.rule.payee_before_existence': [null, 'Payee paid before it existed'],
  'enum.rule.personal_account': [null, 'Payment to a personal account'],
  'enum.rule.budget_overrun': [null, 'Budget overrun'],
  'enum.rule.no_benefit_link': [null, 'No benefit link to farmers'],
  'enum.rule.weak_results': [null, 'Weak results'],
  'enum.rule.publicity_gap': [null, 'Publicity gap'],
  'enum.rule.date_logic': [null, 'Illogical dates'],
  'enum.rule.industry_share': [null, 'Industry share too low'],
  'enum.rule.revenue_share_unsettled': [null, 'Revenue share unsettled'],
  'enum.rule.bad_identifiers': [null, 'Bad identifiers'],
  'enum.severity.error': ['错误', 'Error'],
  'enum.severity.warning': ['提示', 'Warning'],
  'enum.finding_status.open': ['待整改', 'Open'],
  'enum.finding_status.acknowledged': ['已确认', 'Acknowledged'],
  'enum.finding_status.explained': ['已说明', 'Explained'],
  'enum.finding_status.resolved': ['已销号', 'Resolved'],
  'enum.finding_status.cleared': ['已消除', 'Cleared'],
  'enum.finding_action.opened': ['发现', 'Found'],
  'enum.finding_action.updated': ['数据更新', 'Figures updated'],
  'enum.finding_action.cleared': ['复查未再发现', 'No longer found'],
  'enum.finding_action.acknowledge': ['确认问题', 'Acknowledge'],
  'enum.finding_action.explain': ['整改说明', 'Explain (rectification)'],
  'enum.finding_action.resolve': ['整改销号', 'Resolve'],
  'enum.finding_action.reopen': ['重新打开', 'Reopen'],

  // --- messages in two languages: errors, event types (docs/ui.md) --------------
  'err.field': ['涉及字段：{name}', 'Field: {name}'],
  'enum.role.operator': ['本机操作员（命令行）', 'Local operator (command line)'],
  'enum.event.account.create': ['开设账户', 'Account opened'],
  'enum.event.account.close': ['关闭账户', 'Account closed'],
  'enum.event.assess.run': ['年度考核测算', 'Assessment run'],
  'enum.event.audit.run': ['运行联合审计', 'Audit run'],
  'enum.event.contract.create': ['登记合同', 'Contract recorded'],
  'enum.event.exchange.create': ['登记人员交流', 'Exchange recorded'],
  'enum.event.finding.open': ['新增审计发现', 'Finding opened'],
  'enum.event.finding.clear': ['审计发现已消除', 'Finding cleared'],
  'enum.event.finding.respond': ['答复审计发现', 'Finding answered'],
  'enum.event.finding.update': ['更新审计发现', 'Finding updated'],
  'enum.event.indicator.create': ['登记绩效指标', 'Indicator recorded'],
  'enum.event.indicator.update': ['更新绩效指标', 'Indicator updated'],
  'enum.event.measures.propose': ['提出资金管理办法', 'Measures proposed'],
  'enum.event.measures.approve': ['批准资金管理办法', 'Measures approved'],
  'enum.event.milestone.create': ['记录定格时刻', 'Key moment recorded'],
  'enum.event.notice.create': ['登记公示', 'Public notice recorded'],
  'enum.event.org.create': ['登记单位', 'Organisation recorded'],
  'enum.event.pairing.create': ['建立结对关系', 'Pairing created'],
  'enum.event.project.create': ['新建项目', 'Project created'],
  'enum.event.project.update': ['修改项目', 'Project changed'],
  'enum.event.revenue_share.create': ['登记利益共享', 'Revenue share recorded'],
  'enum.event.revenue_share.update': ['更新利益共享', 'Revenue share updated'],
  'enum.event.scheme.add': ['新增考核方案', 'Scheme added'],
  'enum.event.score.create': ['录入考核评分', 'Score entered'],
  'enum.event.score.update': ['修改考核评分', 'Score changed'],
  'enum.event.transfer.create': ['登记拨付', 'Transfer recorded'],
  'enum.event.transfer.post': ['审批通过', 'Request approved'],
  'enum.event.transfer.void': ['驳回申请', 'Request rejected'],
  'enum.event.user.add': ['添加用户', 'User added'],
  'enum.event.user.change': ['修改用户', 'User changed'],
  'enum.event.user.disable': ['停用用户', 'User disabled'],
  'enum.event.user.enable': ['启用用户', 'User enabled'],

  // --- officers' app: frame and sign-in ---------------------------------------
  'app.title': ['结对帮扶资金管理 · 工作人员', 'Paired assistance · Officers'],
  'app.heading': ['结对帮扶资金管理', 'Paired assistance funds'],
  'app.subheading': ['工作人员工作台', 'Officers\' workspace'],
  'app.portal_link': ['公开门户', 'Public portal'],
  'app.logout': ['退出登录', 'Sign out'],
  'app.readonly': ['只读', 'read-only'],
  'login.title': ['工作人员登录', 'Officers\' sign-in'],
  'login.username': ['用户名', 'User name'],
  'login.password': ['密码', 'Password'],
  'login.submit': ['登录', 'Sign in'],
  'login.busy': ['正在登录…', 'Signing in…'],
  'login.note': ['会话到期后需重新登录。请勿在公共电脑上保存密码。', 'Sessions expire; sign in again when asked. Do not save the password on a shared computer.'],
  'login.expired': ['登录已失效，请重新登录。', 'Your session has ended; please sign in again.'],
  'nav.dashboard': ['工作台', 'Dashboard'],
  'nav.projects': ['项目', 'Projects'],
  'nav.transfers': ['资金拨付', 'Disbursements'],
  'nav.accounts': ['账户', 'Accounts'],
  'nav.budget': ['预算执行', 'Budget execution'],
  'nav.import': ['导入导出', 'Import & export'],
  'nav.log': ['账本', 'Audit log'],
  'nav.audit': ['审计发现', 'Audit findings'],
  'nav.measures': ['资金管理办法', 'Fund measures'],
  'nav.assessment': ['年度考核', 'Assessment'],

  // --- dashboard -------------------------------------------------------------------
  'dash.name': ['用户名', 'User'],
  'dash.role': ['角色', 'Role'],
  'dash.region': ['所辖地区', 'Region'],
  'dash.pairing': ['结对关系', 'Pairing'],
  'dash.all_regions': ['全部', 'All'],
  'dash.awaiting_me': ['待我审批', 'Awaiting my approval'],
  'dash.mine_waiting': ['我提交、待他人审批', 'My requests awaiting others'],
  'dash.expired': ['已过期待处理', 'Expired, to be voided'],
  'dash.go_transfers': ['去审批 →', 'Review →'],
  'dash.programme_funds': ['全项目资金', 'Programme funds'],
  'dash.my_scope': ['本辖区预算执行：{name}', 'Budget execution in my scope: {name}'],

  // --- projects (app) ------------------------------------------------------------------
  'projects.new': ['新建项目', 'New project'],
  'projects.create': ['创建项目', 'Create project'],
  'projects.created': ['项目 {code} 已创建。', 'Project {code} created.'],
  'projects.saved': ['项目 {code} 已保存。', 'Project {code} saved.'],
  'projects.edit': ['修改项目', 'Edit project'],
  'projects.status_forward': ['状态只能向前推进：申报 → 立项 → 实施 → 竣工 → 验收', 'Status only moves forward: proposed → approved → in progress → completed → accepted'],
  'projects.milestone_new': ['添加定格时刻', 'Add a key moment'],
  'projects.milestone_added': ['已添加定格时刻“{title}”。', 'Key moment "{title}" added.'],
  'projects.milestone.title': ['标题', 'Title'],
  'projects.milestone.kind': ['类型', 'Kind'],
  'projects.milestone.description': ['说明', 'Description'],
  'projects.budget_hint': ['以元为单位，可输入 1400000、1,400,000.00 或 140万', 'In yuan: 1400000, 1,400,000.00 or 140万'],
  'projects.view_public': ['在公开门户查看', 'View on the public portal'],

  // --- forms that offer only what the user may use; account, photo, history (issue 12, 3b) ---
  'forms.scope': ['查看范围', 'Scope'],
  'forms.scope_mine': ['本地区：{name}', 'My region: {name}'],
  'forms.scope_all': ['全部可查看的', 'All I may read'],
  'forms.no_create_project': ['您的角色不能新建项目；项目由受援地项目经办人员登记。', 'Your role cannot create projects; the recipient county\'s officers file them.'],
  'forms.no_pairing': ['没有您可以登记项目的结对关系。', 'There is no pairing you may file a project in.'],
  'forms.from_hint': ['只列出您可以申请付款的账户。', 'Only the accounts you may ask money of are listed.'],
  'forms.to_hint': ['只列出该付款账户可以拨入的账户。', 'Only the accounts this payer may pay into are listed.'],
  'forms.account_new': ['开设项目资金账户', 'Open a fund account for this project'],
  'forms.account_lead': ['开设后即可向资金池申请拨款、从本账户申请支付。', 'Once opened, it can ask the pool for money and pay from it.'],
  'forms.account_code': ['账户编号', 'Account code'],
  'forms.account_name': ['账户名称', 'Account name'],
  'forms.account_kind': ['账户类型', 'Kind'],
  'forms.account_created': ['资金账户 {code} 已开设。', 'Fund account {code} opened.'],
  'forms.account_submit': ['开设账户', 'Open account'],
  'forms.photo': ['现场照片', 'Photo'],
  'forms.photo_hint': ['JPEG、PNG、WebP 或 GIF 图片，不超过 20 MB', 'A JPEG, PNG, WebP or GIF picture, at most 20 MB'],
  'forms.photo_uploading': ['正在上传照片…', 'Uploading the photo…'],
  'forms.photo_choose': ['选择照片…', 'Choose a photo…'],
  'forms.photo_none': ['未选择照片', 'No photo chosen'],
  'forms.history': ['变更记录', 'Change history'],
  'forms.history_lead': ['取自可信账本：谁在何时修改了什么（原值 → 新值）。', 'From the audit log: who changed what, and when (old → new).'],
  'forms.history.time': ['时间', 'Time'],
  'forms.history.actor': ['操作人', 'By'],
  'forms.history.event': ['事项', 'Event'],
  'forms.history.changes': ['变更内容', 'Changes'],
  'forms.history.seq': ['账本序号', 'Log index'],
  'forms.history.none': ['暂无变更记录。', 'No changes recorded.'],
  'forms.event.project.create': ['登记项目', 'Project filed'],
  'forms.event.project.update': ['修改项目信息', 'Project details changed'],
  'forms.event.project.advance': ['推进项目状态', 'Status moved forward'],
  'forms.event.milestone.create': ['添加定格时刻', 'Key moment added'],
  'forms.event.account.create': ['开设资金账户', 'Fund account opened'],
  'forms.field.name': ['名称', 'Name'],
  'forms.field.status': ['状态', 'Status'],
  'forms.field.budget': ['预算数', 'Budget'],
  'forms.field.end_date': ['结束日期', 'End date'],
  'forms.field.beneficiaries': ['受益人数', 'Beneficiaries'],
  'forms.field.public': ['公开', 'Published'],
  'forms.field.approved_on': ['立项日期', 'Approved on'],
  'forms.field.benefit_link': ['联农带农', 'Benefit link'],
  'forms.field.code': ['编号', 'Code'],
  'forms.field.date': ['日期', 'Date'],
  'forms.field.title': ['标题', 'Title'],
  'forms.field.kind': ['类型', 'Kind'],
  'forms.field.photo': ['照片', 'Photo'],
  'forms.field.with_photo': ['已上传', 'uploaded'],
  'enum.role.operator': ['系统初始化', 'Local operator'],

  // --- transfers ---------------------------------------------------------------------
  'tx.pending_title': ['待审批的拨付申请', 'Disbursement requests awaiting approval'],
  'tx.pending_lead': ['申请提交后资金即被冻结，批准后入账，驳回后释放。申请人本人不能审批自己的申请。', 'A request reserves the money; approving posts it, rejecting releases it. Nobody may approve their own request.'],
  'tx.id': ['申请编号', 'Request'],
  'tx.date': ['申请日期', 'Date'],
  'tx.actor': ['申请人', 'Requested by'],
  'tx.from': ['付款账户', 'From'],
  'tx.to': ['收款账户', 'To'],
  'tx.amount': ['金额（元）', 'Amount (yuan)'],
  'tx.project': ['项目', 'Project'],
  'tx.memo': ['用途说明', 'Purpose'],
  'tx.expires': ['有效期至', 'Expires'],
  'tx.state': ['状态', 'State'],
  'tx.actions': ['审批', 'Decision'],
  'tx.approve': ['批准', 'Approve'],
  'tx.reject': ['驳回', 'Reject'],
  'tx.approved': ['已批准 {id}，资金已入账。', 'Approved {id}; the money is posted.'],
  'tx.rejected': ['已驳回 {id}，冻结资金已释放。', 'Rejected {id}; the reserved money is released.'],
  'tx.sod': ['本人申请，须由他人审批', 'You requested this; another officer must approve'],
  'tx.no_right': ['不在本人审批权限内', 'Outside your approval rights'],
  'tx.expired_note': ['已过期，只能驳回', 'Expired: it can only be rejected'],
  'tx.none_pending': ['目前没有待审批的拨付申请。', 'No requests are waiting for approval.'],
  'tx.new_title': ['新建拨付申请', 'New disbursement request'],
  'tx.new_lead': ['从资金池（或资金来源）向项目账户申请拨付资金，或从项目账户向收款单位申请支付。提交后由有权限的其他工作人员审批。', 'Ask for money to go from the pool (or a source) to a project account, or from a project account to a payee. Another officer with the right to approve decides.'],
  'tx.amount_input': ['金额（元）', 'Amount (yuan)'],
  'tx.amount_hint': ['例：250000、250,000.00 或 25万', 'e.g. 250000, 250,000.00 or 25万'],
  'tx.amount_invalid': ['金额须为正数，最多两位小数（例：250000.00）', 'The amount must be positive with at most two decimals (e.g. 250000.00)'],
  'tx.amount_preview': ['= {v}', '= {v}'],
  'tx.choose_to': ['选择收款账户', 'Choose the receiving account'],
  'tx.my_accounts': ['本人可支配的账户', 'Accounts you act for'],
  'tx.submit': ['提交申请', 'Submit request'],
  'tx.created': ['拨付申请 {id} 已提交，等待审批。', 'Request {id} submitted for approval.'],
  'tx.exists': ['拨付申请 {id} 已存在（重复提交，未作改动）。', 'Request {id} already exists (a repeat; nothing changed).'],
  'tx.history_title': ['资金往来记录', 'Transfer history'],
  'tx.available': ['可用余额', 'Available'],

  'tx.back': ['← 返回资金拨付', '← Back to disbursements'],
  'tx.one_title': ['资金往来', 'Transfer'],
  'tx.not_found': ['没有这笔资金往来，或您无权查看。', 'No such transfer, or not one you may read.'],
  'tx.statement': ['账户流水', 'statement'],
  'tx.purpose': ['用途', 'Purpose'],
  'tx.stage': ['付款阶段', 'Stage'],
  'tx.contract': ['合同', 'Contract'],

  // --- approvals and the inbox (issue 12, item 3: approvals) ----------------------------
  'apr.title_post': ['确认批准拨付申请', 'Confirm the approval'],
  'apr.title_void': ['确认驳回拨付申请', 'Confirm the rejection'],
  'apr.lead_post': ['批准后资金即入账，不可撤销。请核对以下内容：', 'Once approved the money is posted; this cannot be undone. Please check:'],
  'apr.lead_void': ['驳回后冻结资金即释放，申请人将看到您的驳回理由。', 'Rejecting releases the reserved money; the requester will see your reason.'],
  'apr.amount': ['金额', 'Amount'],
  'apr.comment': ['审批意见', 'Comment'],
  'apr.comment_void': ['驳回理由（审批意见）', 'Reason for rejecting'],
  'apr.comment_optional': ['可选，例如：同意，按合同进度拨付', 'Optional, e.g. agreed, as the contract schedules'],
  'apr.comment_required': ['必填，例如：材料不全，请补充验收单后重新申请', 'Required, e.g. documents missing: add the acceptance record and ask again'],
  'apr.comment_hint_post': ['审批意见将记入账本，随批准记录一起保存。', 'The comment is recorded in the books with the approval.'],
  'apr.comment_hint_void': ['驳回须填写理由，理由将记入账本。', 'A rejection needs a reason; it is recorded in the books.'],
  'apr.comment_missing': ['请填写驳回理由。', 'Please give the reason for rejecting.'],
  'apr.confirm_post': ['确认批准', 'Approve'],
  'apr.confirm_void': ['确认驳回', 'Reject'],
  'apr.request': ['所属申请', 'Request'],
  'apr.requested_on': ['申请日期', 'Requested on'],
  'apr.history_title': ['审批记录', 'Approval history'],
  'apr.step_requested': ['提交申请', 'Requested'],
  'apr.step_approved': ['批准', 'Approved'],
  'apr.step_rejected': ['驳回', 'Rejected'],
  'apr.step_withdrawn': ['申请人撤回', 'Withdrawn by the requester'],
  'apr.step_waiting': ['等待审批', 'Awaiting a decision'],
  'apr.step_expired': ['已过期未审批，只能驳回', 'Expired undecided: it can only be rejected'],
  'apr.recorded': ['记账时间', 'recorded'],
  'apr.no_comment': ['（未填写）', '(none given)'],
  'apr.labelled': ['{k}：{v}', '{k}: {v}'],
  'enum.purpose.works': ['工程', 'Works'],
  'enum.purpose.goods': ['货物', 'Goods'],
  'enum.purpose.services': ['服务', 'Services'],
  'enum.purpose.subsidy': ['补助', 'Subsidy'],
  'enum.purpose.training': ['培训', 'Training'],
  'enum.purpose.allocation': ['资金拨付', 'Allocation'],
  'enum.purpose.personnel': ['人员经费', 'Personnel'],
  'enum.purpose.allowances': ['津补贴', 'Allowances'],
  'enum.purpose.office_building': ['办公楼', 'Office building'],
  'enum.purpose.vehicles': ['车辆', 'Vehicles'],
  'enum.purpose.debt': ['偿债', 'Debt'],
  'enum.purpose.deposit': ['保证金', 'Deposit'],
  'enum.purpose.running_costs': ['日常公用经费', 'Running costs'],
  'enum.purpose.other': ['其他', 'Other'],
  'nav.inbox': ['待办', 'To do'],
  'inbox.title': ['待办事项', 'Waiting for me'],
  'inbox.lead': ['共 {n} 项需要您处理。', '{n} items need your action.'],
  'inbox.empty': ['目前没有需要您处理的事项。', 'Nothing needs your action now.'],
  'inbox.transfers': ['待我审批的拨付申请', 'Requests for me to decide'],
  'inbox.findings': ['待我处理的审计发现', 'Audit findings awaiting me'],
  'inbox.measures': ['待我方批准的资金管理办法', 'Fund measures for my side to approve'],
  'inbox.none_transfers': ['没有待您审批的申请。', 'No requests for you to decide.'],
  'inbox.none_findings': ['没有待答复的审计发现。', 'No findings for you to answer.'],
  'inbox.none_measures': ['没有待批准的资金管理办法。', 'No measures for you to approve.'],
  'inbox.wan': ['万元', '¥10k'],
  'inbox.todo': ['待办', 'To do'],
  'inbox.go_decide': ['审批 →', 'Decide →'],
  'inbox.go_approve': ['审阅并批准 →', 'Review and approve →'],
  'inbox.finding_status': ['状态', 'Status'],
  'inbox.message': ['说明', 'Message'],
  'inbox.measures_version': ['版本', 'Version'],
  'inbox.version_n': ['第 {v} 版', 'Version {v}'],
  'inbox.pairing': ['结对关系', 'Pairing'],
  'inbox.proposed_by': ['提出人', 'Proposed by'],
  'inbox.side': ['我方', 'My side'],
  'inbox.side_donor': ['帮扶方', 'Donor side'],
  'inbox.side_recipient': ['受援方', 'Recipient side'],
  'inbox.other_side': ['对方', 'Other side'],
  'inbox.other_approved': ['{who} 已批准', 'approved by {who}'],
  'inbox.other_waiting': ['尚未批准', 'not yet approved'],
  'date.placeholder': ['如 2026-12-04', 'e.g. 2026-12-04'],
  'date.hint': ['可输入 2026/12/04 或 2026年12月4日', 'Type 2026/12/04 or 2026年12月4日, or pick it'],
  'date.pick': ['从日历选择日期', 'Pick a date'],
  'date.read_as': ['将按 {v} 提交', 'Will be sent as {v}'],
  'date.impossible': ['日期不存在：{v}（请检查月份和日）', 'No such date: {v} (check the month and day)'],
  'date.unreadable': ['无法识别的日期，请按 2026-12-04 或 2026年12月4日 填写', 'Not a date: write 2026-12-04 or 2026年12月4日'],
  'date.required': ['请填写日期', 'A date is needed'],
  'session.title': ['登录已失效，请重新登录', 'Your session has ended: sign in again'],
  'session.lead': ['您填写的内容仍保留在页面上。重新登录后将继续提交，无需重新填写。', 'What you typed is still on the page. Sign in again and it will be sent, with nothing to retype.'],
  'session.cancel': ['放弃并退出', 'Give up and sign out'],

  // --- accounts -------------------------------------------------------------------------
  'acc.title': ['资金账户', 'Fund accounts'],
  'acc.lead': ['余额 = 已入账收入 − 已入账支出；可用 = 余额 − 待审批冻结。', 'Balance = credits posted − debits posted; available = balance − pending debits.'],
  'acc.code': ['账户编号', 'Account'],
  'acc.name': ['账户名称', 'Name'],
  'acc.kind': ['类型', 'Kind'],
  'acc.region': ['地区', 'Region'],
  'acc.balance': ['余额（元）', 'Balance (yuan)'],
  'acc.available': ['可用（元）', 'Available (yuan)'],
  'acc.pending_out': ['冻结（元）', 'Reserved (yuan)'],
  'acc.filter_placeholder': ['账户编号或名称', 'Account code or name'],
  'acc.statement': ['账户明细', 'Statement'],
  'acc.debit': ['支出', 'Debit'],
  'acc.credit': ['收入', 'Credit'],
  'acc.pending': ['冻结变动', 'Reserved'],
  'acc.running': ['余额', 'Balance'],
  'acc.counterparty': ['对方账户', 'Counterparty'],
  'acc.kind_col': ['类型', 'Type'],
  'acc.tx_id': ['流水号', 'Transfer'],
  'acc.back': ['← 返回账户列表', '← Back to the accounts'],

  // --- budget ------------------------------------------------------------------------
  'budget.title': ['预算执行情况', 'Budget execution'],
  'budget.group': ['汇总方式', 'Group by'],
  'budget.group.project': ['按项目', 'Project'],
  'budget.group.county': ['按县区', 'County'],
  'budget.group.pairing': ['按结对关系', 'Pairing'],
  'budget.group.kind': ['按项目类别', 'Kind'],
  'budget.group.domain': ['按帮扶领域', 'Domain'],
  'budget.group.donor': ['按帮扶方', 'Donor'],
  'budget.lead': ['金额单位：元。执行率 = 已支出 ÷ 预算数。', 'Amounts in yuan. Execution = paid ÷ budget.'],
  'budget.key': ['编号', 'Key'],
  'budget.name': ['名称', 'Name'],

  // --- import / export ------------------------------------------------------------------
  'imp.title': ['导入 CSV', 'Import a CSV file'],
  'imp.lead': ['整份文件要么全部导入，要么一行都不导入；有错误的行会全部列出。格式见 docs/csv-formats.md。', 'A file is imported whole or not at all; every bad row is listed. Formats: docs/csv-formats.md.'],
  'imp.kind': ['数据类型', 'Kind'],
  'imp.file': ['CSV 文件（UTF-8）', 'CSV file (UTF-8)'],
  'imp.submit': ['导入', 'Import'],
  'imp.choose_file': ['请选择一个 CSV 文件。', 'Choose a CSV file.'],
  'imp.uploading': ['上传中 {pct}%', 'Uploading {pct}%'],
  'imp.checking': ['已上传，正在逐行检查…', 'Uploaded; checking every row…'],
  'imp.done': ['导入完成：共 {rows} 行，新增 {created}，更新 {updated}，相同已跳过 {unchanged}。', 'Imported: {rows} rows, {created} created, {updated} updated, {unchanged} unchanged.'],
  'imp.rows': ['行数', 'Rows'],
  'imp.created': ['新增', 'Created'],
  'imp.updated': ['更新（状态推进）', 'Updated (status advanced)'],
  'imp.unchanged': ['相同已跳过', 'Unchanged, skipped'],
  'imp.errors_title': ['文件有错误，未导入任何数据', 'The file has errors; nothing was imported'],
  'imp.line': ['行号', 'Line'],
  'imp.column': ['列', 'Column'],
  'imp.message': ['问题', 'Problem'],
  'imp.kind.pairings': ['结对关系', 'Pairings'],
  'imp.kind.orgs': ['单位', 'Organisations'],
  'imp.kind.projects': ['项目', 'Projects'],
  'imp.kind.milestones': ['定格时刻', 'Key moments'],
  'imp.kind.exchanges': ['人才交流', 'People exchanges'],
  'imp.kind.accounts': ['资金账户', 'Accounts'],
  'imp.kind.transfers': ['资金往来', 'Transfers'],
  'imp.kind.regions': ['行政区划', 'Regions'],
  'imp.kind.scores': ['考核人工评分', 'Assessment scores'],
  'exp.title': ['导出数据', 'Export'],
  'exp.lead': ['与命令行 pairaid export 输出的字节完全相同；CSV 可以重新导入。', 'The same bytes as pairaid export; the CSV files re-import.'],

  // --- audit findings (联合审计) -----------------------------------------------------------
  'aud.title': ['审计发现', 'Audit findings'],
  'aud.lead': ['联合审计按资金管理办法的规则检查账本，发现的问题由受援方确认并提交整改说明，审计组复核后销号。', 'The joint audit checks the books against the rules of the fund measures; the recipient side acknowledges each finding and explains its rectification, and the auditors resolve it.'],
  'aud.run': ['运行审计', 'Run the audit'],
  'aud.run_as_of': ['审计截止日期', 'Books as of'],
  'aud.running': ['正在审计…', 'Auditing…'],
  'aud.run_done': ['审计完成（资金管理办法第 {v} 版）：发现问题 {found} 条，其中新增 {opened} 条、更新 {updated} 条、复查未再发现 {cleared} 条、未变 {unchanged} 条。', 'Audit done (measures version {v}): {found} findings; {opened} new, {updated} updated, {cleared} no longer found, {unchanged} unchanged.'],
  'aud.rule': ['规则', 'Rule'],
  'aud.severity': ['级别', 'Severity'],
  'aud.status': ['状态', 'Status'],
  'aud.county': ['县区', 'County'],
  'aud.project': ['项目', 'Project'],
  'aud.status_open': ['未办结（待整改、已确认、已说明）', 'Not closed (open, acknowledged, explained)'],
  'aud.status_all': ['全部状态', 'Every status'],
  'aud.id': ['编号', 'No.'],
  'aud.subject': ['对象', 'Subject'],
  'aud.amount': ['涉及金额（元）', 'Amount (yuan)'],
  'aud.opened': ['发现日期', 'Found on'],
  'aud.updated': ['最近更新', 'Updated'],
  'aud.message': ['问题描述', 'Finding'],
  'aud.total': ['共 {n} 条，涉及金额 {amount}', '{n} findings, {amount} involved'],
  'aud.none': ['没有符合条件的审计发现。', 'No findings match.'],
  'aud.back': ['← 返回审计发现', '← Back to the findings'],
  'aud.measures_version': ['适用资金管理办法', 'Measures applied'],
  'aud.measures_default': ['默认值（第 0 版）', 'the defaults (version 0)'],
  'aud.measures_n': ['第 {v} 版', 'version {v}'],
  'aud.evidence': ['证据', 'Evidence'],
  'aud.evidence_lead': ['证据列出所涉及的资金往来和编码；点击可查看拨付记录和账户流水。', 'The transfers and codes the finding rests on; follow them to the transfer and the account statements.'],
  'aud.ev_code': ['编码', 'Code'],
  'aud.ev_kind': ['类型', 'Kind'],
  'aud.ev_detail': ['内容', 'Detail'],
  'aud.ev_transfer': ['资金往来', 'Transfer'],
  'aud.ev_account': ['资金账户', 'Account'],
  'aud.ev_project': ['项目', 'Project'],
  'aud.ev_other': ['合同或单位', 'Contract or organisation'],
  'aud.ev_statement': ['账户流水', 'Statement'],
  'aud.history': ['处理记录', 'History'],
  'aud.h_action': ['操作', 'Action'],
  'aud.h_actor': ['经办人', 'By'],
  'aud.h_note': ['说明', 'Note'],
  'aud.h_attachment': ['附件', 'Attachment'],
  'aud.view_attachment': ['查看附件', 'View'],
  'aud.form_title': ['整改说明', 'Rectification'],
  'aud.form_title_review': ['复核销号', 'Review'],
  'aud.form_lead': ['受援方确认问题并说明整改情况（可附照片或扫描件）；审计组复核后销号或重新打开。', 'The recipient side acknowledges the finding and explains the rectification (a photo or scan may be attached); the auditors then resolve or reopen it.'],
  'aud.action': ['操作', 'Action'],
  'aud.note': ['说明', 'Note'],
  'aud.note_placeholder': ['整改措施、完成时间、退回资金等', 'What was done, when, money returned…'],
  'aud.attachment': ['附件（图片，可选）', 'Attachment (picture, optional)'],
  'aud.submit': ['提交', 'Submit'],
  'aud.uploading': ['正在上传附件…', 'Uploading the attachment…'],
  'aud.responded': ['已记录：{action}（{id}）', 'Recorded: {action} ({id})'],
  'aud.no_actions': ['当前状态下您没有可进行的操作。', 'There is nothing you may do with this finding in its present status.'],
  'aud.note_required': ['请填写说明', 'Please write a note'],

  // --- measures (资金管理办法) --------------------------------------------------------------
  'mea.title': ['资金管理办法', 'Fund-management measures'],
  'mea.lead': ['资金管理办法规定各审计规则是否启用及其阈值。新版本须经帮扶方和受援方各一名工作人员批准后生效；生效前审计仍按现行版本执行。', 'The measures switch each audit rule on or off and set its thresholds. A new version takes force only once an officer of the donor side and one of the recipient side have approved it; until then the audit uses the version in force.'],
  'mea.in_force': ['现行版本', 'In force'],
  'mea.in_force_n': ['第 {v} 版（{pairing}）', 'version {v} ({pairing})'],
  'mea.defaults': ['默认值：尚无双方批准的版本（{pairing}）', 'The defaults: no version approved by both sides yet ({pairing})'],
  'mea.show_text': ['查看现行条文', 'Show the text in force'],
  'mea.versions': ['各版本', 'Versions'],
  'mea.version': ['版本', 'Version'],
  'mea.proposed_by': ['提出人', 'Proposed by'],
  'mea.donor_by': ['帮扶方批准', 'Donor side'],
  'mea.recipient_by': ['受援方批准', 'Recipient side'],
  'mea.state': ['状态', 'State'],
  'mea.diff': ['与现行版本的差异', 'Difference from the version in force'],
  'mea.state_in_force': ['现行', 'In force'],
  'mea.state_superseded': ['已被取代', 'Superseded'],
  'mea.state_pending': ['待批准', 'Awaiting approval'],
  'mea.waiting': ['待批准', 'not yet'],
  'mea.approve': ['批准', 'Approve'],
  'mea.approved': ['已批准第 {v} 版', 'Approved version {v}'],
  'mea.approved_in_force': ['第 {v} 版已经双方批准，现已生效', 'Version {v} is approved by both sides and in force'],
  'mea.no_diff': ['与现行版本相同', 'Same as the version in force'],
  'mea.none': ['尚未提出任何版本。', 'No version has been proposed yet.'],
  'mea.propose_title': ['提出新版本', 'Propose a version'],
  'mea.propose_lead': ['以 INI 格式填写：每条规则一节，包含 enabled 和阈值（见 docs/audit.md）。下面已填入现行条文。', 'As an INI file: one section per rule with enabled and its thresholds (docs/audit.md). The text in force is filled in below.'],
  'mea.propose': ['提交新版本', 'Propose'],
  'mea.proposed': ['已提出资金管理办法第 {v} 版，待双方批准后生效', 'Proposed measures version {v}; it takes force once both sides approve'],

  // --- the yearly assessment (考核): shared by the portal and the app -----------------------
  'enum.area.organisation': ['组织领导', 'Organisation'],
  'enum.area.funds': ['资金支持', 'Funds'],
  'enum.area.industry': ['产业合作', 'Industry'],
  'enum.area.livelihood': ['民生帮扶', 'Livelihoods'],
  'enum.area.talent': ['人才交流', 'People'],
  'enum.area.innovation': ['机制创新', 'Innovation'],
  'as.pairing': ['结对关系', 'Pairing'],
  'as.tier': ['等次', 'Tier'],
  'as.rank': ['名次', 'Rank'],
  'as.rank_n': ['第{n}名', 'No. {n}'],
  'as.total': ['总分', 'Total'],
  'as.base': ['基础分', 'Base'],
  'as.bonus': ['加分', 'Bonus'],
  'as.penalty': ['扣分', 'Penalty'],
  'as.spent_share': ['资金支出率', 'Funds spent'],
  'as.area': ['领域', 'Area'],
  'as.indicator': ['指标', 'Indicator'],
  'as.weight': ['分值', 'Weight'],
  'as.actual': ['实际值', 'Actual'],
  'as.target': ['目标值', 'Target'],
  'as.score': ['得分', 'Score'],
  'as.inputs': ['计算依据', 'Computed from'],
  'as.area_points': ['{score} / {weight} 分', '{score} of {weight}'],
  'as.summary': ['{tier}第{rank}名 · 总分 {total}', '{tier}, No. {rank} · total {total}'],
  'as.in.arranged': ['年度已安排资金', 'Funds arranged in the year'],
  'as.in.transferred_by': ['{date}前已拨付', 'Transferred by {date}'],
  'as.in.spent_by': ['{date}前项目已支出', 'Spent by projects by {date}'],
  'as.in.budget': ['项目预算', 'Budgets'],
  'as.in.projects': ['项目', 'Projects'],
  'as.in.opened': ['年度审计发现', 'Findings opened'],
  'as.in.resolved': ['已整改销号', 'Resolved'],
  'as.in.agreements': ['利益共享协议', 'Revenue-share agreements'],
  'as.in.settled': ['已结算', 'Settled'],
  'as.in.due': ['年内到期民生项目', 'Livelihood projects due'],
  'as.in.on_time': ['按期完成', 'Finished on time'],
  'as.in.beneficiaries': ['受益群众（人）', 'Beneficiaries'],
  'as.in.industry_projects': ['产业项目', 'Industry projects'],
  'as.in.linked': ['有联农带农机制', 'With a benefit link'],
  'as.in.exchanges': ['交流批次', 'Exchanges'],
  'as.in.people': ['人次', 'People'],
  'as.in.open_errors': ['未整改的错误级问题', 'Open error findings'],
  'as.in.manual': ['人工评分来源', 'Manual score, source'],
  'as.in.none': ['无', 'none'],
  'as.no_manual': ['尚未录入', 'not yet scored'],
  'as.raise_title': ['如何提高得分', 'What would raise this score'],
  'as.raise_lead': ['以下指标离目标最远，按可增加的分数排序（可增加分数 = 分值 × (1 − 实际值 ÷ 目标值)）。', 'The indicators furthest below their targets, by the points there are to gain (points = weight × (1 − actual ÷ target)).'],
  'as.raise_gain': ['可增加 {gain} 分', '+{gain} points'],
  'as.raise_detail': ['实际 {actual}，目标 {target}', 'actual {actual}, target {target}'],
  'as.raise_penalty': ['整改并销号未办结的错误级审计问题', 'Resolve the open error findings of the joint audit'],
  'as.raise_none': ['各项指标均已达到目标。', 'Every indicator has reached its target.'],
  'as.unit.transferred_share': ['%', '%'],
  'as.unit.spent_share': ['%', '%'],
  'as.unit.findings_resolved_share': ['%', '%'],
  'as.unit.revenue_share_settled': ['%', '%'],
  'as.unit.projects_on_time': ['%', '%'],
  'as.unit.benefit_link_share': ['%', '%'],
  'as.unit.new_chain_projects': ['个', ' projects'],
  'as.unit.new_chain_investment': ['万元', ' ¥10k'],
  'as.unit.beneficiaries': ['人', ' people'],
  'as.unit.seconded_cadres': ['人', ' people'],
  'as.unit.seconded_professionals': ['人', ' people'],
  'as.unit.open_error_findings': ['条', ''],

  // --- the assessment in the app (#/assessment) --------------------------------------------
  'asm.title': ['年度考核', 'Yearly assessment'],
  'asm.lead': ['考核方案规定指标、分值、目标和等次；结果由账本计算，发布后作为事件写入账本。可先用两个方案试算比较，再发布。', 'The scheme sets the indicators, weights, targets and tiers; the result is computed from the books and, once published, is an event of the log. Compare two schemes with a trial run before publishing.'],
  'asm.officer_lead': ['本结对在最近一次发布的年度考核中的得分，以及离目标最远、最值得改进的指标。', 'Your pairing\'s scores in the latest published assessment, and the indicators furthest below their targets.'],
  'asm.none': ['尚未发布年度考核结果。', 'No assessment has been published yet.'],
  'asm.no_pairing': ['您的账号没有对应的市级结对关系。', 'Your account belongs to no city-level pairing.'],
  'asm.schemes': ['考核方案', 'Schemes'],
  'asm.in_use': ['现行方案', 'In use'],
  'asm.in_use_n': ['第 {v} 版：{name}', 'version {v}: {name}'],
  'asm.in_use_default': ['默认方案：{name}', 'the default: {name}'],
  'asm.show_text': ['查看方案全文', 'Show the text'],
  'asm.version': ['版本', 'Version'],
  'asm.version_n': ['第 {v} 版', 'version {v}'],
  'asm.name': ['方案名称', 'Name'],
  'asm.added_by': ['添加人', 'Added by'],
  'asm.no_versions': ['尚未添加方案版本，使用默认方案。', 'No version added yet: the default is in use.'],
  'asm.add_title': ['添加新版本', 'Add a version'],
  'asm.add_lead': ['INI 格式（见 docs/assessment.md）；保存前逐行校验，有错误时标出所在行，不会保存。下面已填入现行方案。', 'An INI file (docs/assessment.md), checked line by line before it is saved: an error names its line and nothing is saved. The scheme in use is filled in below.'],
  'asm.add': ['保存为新版本', 'Save as a new version'],
  'asm.added': ['已添加考核方案第 {v} 版（{name}），此后按此方案考核', 'Added scheme version {v} ({name}); it is used from now on'],
  'asm.error_line': ['第 {line} 行', 'line {line}'],
  'asm.scores_title': ['人工评分', 'Manual scores'],
  'asm.scores_lead': ['账本无法计算的指标（会议、协议、满意度调查等）和加分，按 CSV 导入：pairing,year,indicator,actual,source。现行方案的人工指标：{list}。', 'What the books cannot give (meetings, agreements, surveys) and the bonus, as a CSV file: pairing,year,indicator,actual,source. The manual indicators of the scheme in use: {list}.'],
  'asm.compare_title': ['试算比较', 'Compare two schemes'],
  'asm.compare_lead': ['按所选年度和两个方案分别试算排名，不写入账本。', 'Ranks the year under each of two schemes as a trial: nothing is recorded.'],
  'asm.year': ['考核年度', 'Year'],
  'asm.scheme_a': ['方案甲', 'Scheme A'],
  'asm.scheme_b': ['方案乙', 'Scheme B'],
  'asm.choice_in_use': ['现行方案', 'the scheme in use'],
  'asm.choice_default': ['默认方案', 'the default'],
  'asm.choice_version': ['第 {v} 版：{name}', 'version {v}: {name}'],
  'asm.choice_custom': ['自定义（编辑下方文本）', 'custom (edit the text below)'],
  'asm.preview': ['试算比较', 'Compare'],
  'asm.previewing': ['正在试算…', 'Computing…'],
  'asm.diff': ['名次变化', 'Change'],
  'asm.up': ['↑{n}', '↑{n}'],
  'asm.down': ['↓{n}', '↓{n}'],
  'asm.same': ['—', '—'],
  'asm.publish_title': ['发布考核结果', 'Publish'],
  'asm.publish_lead': ['发布后结果作为事件写入账本并在公开门户显示；再次发布不覆盖，以最新一次为准。', 'Publishing records the result as an event of the log and shows it on the public portal; publishing again adds a new event, the latest is the one shown.'],
  'asm.publish_with': ['按{which}发布', 'Publish with {which}'],
  'asm.published': ['已发布{year}年度考核结果：{n}个结对（账本第 {seq} 条）', 'Published the {year} assessment: {n} pairings (log entry {seq})'],
  'asm.latest': ['已发布的排名', 'The published ranking'],
  'asm.runs': ['发布记录', 'Publications'],
  'asm.run_scheme': ['方案', 'Scheme'],
  'asm.run_by': ['发布人', 'By'],
  'asm.run_date': ['发布日期', 'Date'],
  'asm.pick_pairing': ['结对关系', 'Pairing'],
  'asm.to_budget': ['预算执行', 'budget'],

  // --- headline figures: assistance money and investment (item 2) -------------------------
  'fig.unit': ['金额单位：{unit}', 'Amounts in {unit}'],
  'fig.unit.wan': ['万元', '10,000 yuan'],
  'fig.unit.yuan': ['元', 'yuan'],
  'fig.budget': ['帮扶资金安排', 'Assistance money'],
  'fig.budget.hint': ['各项目的帮扶资金，执行率按此计算', 'Assistance money of the projects; execution is measured on it'],
  'fig.investment': ['园区及产业项目总投资', 'Total investment of parks and industrial projects'],
  'fig.investment.hint': ['含引进的产业投资，不计入帮扶资金和执行率', 'Includes outside industrial investment; not assistance money, not in the execution rate'],
  'fig.investment.col': ['总投资', 'Investment'],
  'fig.expired': ['已过期申请', 'Expired requests'],
  'fig.expired.hint': ['{n} 笔超过有效期未审批，只能撤销', 'Past their expiry date: {n}; they can only be voided'],
  'fig.pending_live': ['待审批', 'Awaiting approval'],
  'fig.pending_live.hint': ['{n} 笔拨付申请在有效期内', 'Requests still valid: {n}'],
  'fig.committed_live': ['待审批', 'Pending'],
  'fig.expired.col': ['已过期', 'Expired'],
  'fig.budget.lead': ['执行率 = 已支出 ÷ 预算数（帮扶资金）；总投资另列，不计入执行率。点击列标题可排序。', 'Execution = paid ÷ budget (assistance money); investment is shown apart and not in the rate. Click a column header to sort.'],
  'fig.project.investment': ['总投资', 'Total investment'],
  'as.in.investment': ['项目总投资', 'Total investment'],

  // --- log -----------------------------------------------------------------------------
  'log.title': ['可信账本', 'Audit log'],
  'log.checkpoint': ['检查点', 'Checkpoint'],
  'log.entries': ['日志条目', 'Log entries'],
  'log.from': ['起始序号', 'From index'],
  'log.count': ['条数', 'Count'],
  'log.show': ['显示', 'Show'],
  'log.latest': ['最新', 'Latest'],
  'log.index': ['序号', 'Index'],
  'log.type': ['事件', 'Event'],
  'log.actor': ['操作人', 'Actor'],
  'log.time': ['时间', 'Time'],
  'log.leaf': ['叶哈希', 'Leaf hash'],
  'log.entry': ['内容', 'Content'],
  'log.proof_title': ['包含证明', 'Inclusion proof'],
  'log.proof_lead': ['输入条目序号，获取其包含证明并在浏览器中按 RFC 9162 校验。', 'Enter an entry index to fetch its inclusion proof and verify it here (RFC 9162).'],
};

const STORE_KEY = 'pairaid.lang';
let current = readStoredLang();
const serverNames = {}; // group -> code -> Chinese name, from /api/v1/enums
const listeners = [];

function readStoredLang() {
  try {
    return localStorage.getItem(STORE_KEY) === 'en' ? 'en' : 'zh';
  } catch (e) {
    return 'zh'; // storage can be disabled; Chinese is the default anyway
  }
}

/** The current language, 'zh' or 'en'. */
export function lang() {
  return current;
}

/** Switches language, remembers it and tells every listener to re-render. */
export function setLang(next) {
  current = next === 'en' ? 'en' : 'zh';
  try {
    localStorage.setItem(STORE_KEY, current);
  } catch (e) {
    // not remembered, but the page still switches
  }
  document.documentElement.lang = current === 'en' ? 'en' : 'zh-CN';
  for (const fn of listeners) fn(current);
}

export function onLangChange(fn) {
  listeners.push(fn);
}

/** ': ' in English, '：' in Chinese: what joins a label to its value. */
export function colon() {
  return current === 'en' ? ': ' : '：';
}

/** Text in brackets: （…） in Chinese, " (…)" in English. */
export function paren(text) {
  return current === 'en' ? ' (' + text + ')' : '（' + text + '）';
}

/** A list joined as each language writes one: 甲、乙 or a, b. */
export function listJoin(items) {
  return items.join(current === 'en' ? ', ' : '、');
}

/** The header value that asks the server for messages in the page's language. */
export function acceptLanguage() {
  return current === 'en' ? 'en' : 'zh-CN,zh;q=0.9';
}

/** A label; {name} placeholders are filled from vars. Unknown keys show themselves, so a gap is visible. */
export function t(key, vars) {
  const entry = DICT[key];
  let s = entry ? entry[current === 'en' ? 1 : 0] || entry[1] : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/** Whether the dictionary has a key (used for optional labels such as count names). */
export function has(key) {
  return key in DICT;
}

// GET /api/v1/enums names its groups in the plural (project_kinds, statuses …);
// the labels here use the singular of the column.
const GROUP_ALIASES = {
  kind: 'kind', kinds: 'kind', project_kind: 'kind', project_kinds: 'kind',
  status: 'status', statuses: 'status',
  domain: 'domain', domains: 'domain',
  milestone_kind: 'milestone_kind', milestone_kinds: 'milestone_kind',
  account_kind: 'account_kind', account_kinds: 'account_kind',
  rule: 'rule', audit_rules: 'rule',
};

/** One enum value as [code, Chinese name]: {name, zh} as the server sends it, or {code, name}. */
function enumPair(v) {
  if (v.zh !== undefined) return [v.code || v.name, v.zh];
  return [v.code || v.key || v.value, v.name || v.label];
}

/**
 * Keeps the Chinese names from GET /api/v1/enums: {"statuses": [{"name":
 * "proposed", "zh": "申报"}, …], …}. A {code: name} map is taken too, so a small
 * change of shape on the server does not blank the labels.
 */
export function setEnums(data) {
  if (!data || typeof data !== 'object') return;
  for (const [rawGroup, values] of Object.entries(data)) {
    const group = GROUP_ALIASES[rawGroup] || rawGroup;
    const names = (serverNames[group] = serverNames[group] || {});
    if (Array.isArray(values)) {
      for (const v of values) {
        const [code, zh] = enumPair(v || {});
        if (code) names[code] = zh || code;
      }
    } else if (values && typeof values === 'object') {
      Object.assign(names, values);
    }
  }
}

/** The codes of an enum group in server order (falls back to the dictionary's order). */
export function enumCodes(group) {
  if (serverNames[group]) return Object.keys(serverNames[group]);
  const prefix = 'enum.' + group + '.';
  return Object.keys(DICT).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/** The label of an enum value in the current language; the code itself if nothing names it. */
export function enumLabel(group, code) {
  if (code === null || code === undefined || code === '') return '—';
  const entry = DICT['enum.' + group + '.' + code];
  if (current === 'zh') {
    const zh = (serverNames[group] && serverNames[group][code]) || (entry && entry[0]);
    return zh || code;
  }
  return (entry && entry[1]) || code;
}

/** Fills [data-i18n] text, [data-i18n-placeholder] and [data-i18n-title] under root. */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  document.documentElement.lang = current === 'en' ? 'en' : 'zh-CN';
}

/** Wires the 中文/English button: label, click, and re-render through the listeners. */
export function bindLangSwitch(button) {
  const label = () => {
    button.textContent = t('lang.switch');
    button.title = t('lang.switch.title');
  };
  label();
  button.addEventListener('click', () => setLang(current === 'en' ? 'zh' : 'en'));
  onLangChange(label);
}
