import { CheckCircleFilled, CloseCircleFilled, SafetyOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Form,
  Input,
  Progress,
  Radio,
  Row,
  Select,
  Statistic,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clearanceApi, type QuotaAnswer, yuan } from '../clearance';
import { useServerErrors } from '../components/serverErrors';

type Values = {
  buyerName: string;
  buyerIdType: '1';
  buyerIdNumber: string;
  amount?: string;
  basis: 'order' | 'consent';
  consentReference?: string;
  showRemaining?: boolean;
};

const ID_RE = /^(\d{15}|\d{17}[\dXx])$/;
const AMOUNT_RE = /^\d{1,12}(\.\d{1,2})?$/;

/** 王小明 → 王*明, 李四 → 李*: the result names the buyer without repeating the name in full. */
function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** 11010519491231002X → 110105********002X. */
function maskId(id: string): string {
  const s = id.trim();
  if (s.length <= 10) return '*'.repeat(s.length);
  return `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`;
}

const fen = (v: string) => Math.round(Number(v) * 100);

/**
 * 额度预检: before checkout, whether this order fits the buyer's annual quota for cross-border retail imports. Only
 * for a buyer of one of the enterprise's declared orders, or with the buyer's consent (recorded with the enterprise's
 * reference and audited); the amount left only when the buyer asked for it. The answer names the buyer masked.
 */
export default function QuotaCheck() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const errors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ q: QuotaAnswer; buyer: string } | null>(null);
  const basis = Form.useWatch('basis', form) ?? 'order';
  const showRemaining = Form.useWatch('showRemaining', form) === true && basis === 'consent';

  const submit = async (v: Values) => {
    setBusy(true);
    errors.clear();
    setAnswer(null);
    try {
      const amount = v.amount?.trim() || undefined;
      const consent =
        v.basis === 'consent'
          ? {
              reference: (v.consentReference ?? '').trim(),
              // the portal records a consent the buyer gives now, at this checkout
              givenAt: new Date().toISOString(),
              scope: v.showRemaining ? ('remaining' as const) : ('fits' as const),
            }
          : undefined;
      const q = await clearanceApi.quotaCheck({
        buyerName: v.buyerName.trim(),
        buyerIdType: '1',
        buyerIdNumber: v.buyerIdNumber.trim().toUpperCase(),
        ...(amount ? { amount } : {}),
        ...(consent ? { consent } : {}),
      });
      setAnswer({ q, buyer: `${maskName(v.buyerName)} · ${maskId(v.buyerIdNumber)}` });
      // a consent reference names one buyer: a new check needs its own
      form.setFieldValue('consentReference', '');
    } catch (err) {
      errors.show(err);
    } finally {
      setBusy(false);
    }
  };

  const q = answer?.q;
  const remaining = q?.remaining;
  const used = q && remaining !== undefined ? Math.max(0, fen(q.annualLimit) - fen(remaining)) : 0;
  const usedPercent = q && fen(q.annualLimit) > 0 ? Math.min(100, Math.round((used * 100) / fen(q.annualLimit))) : 0;
  const why: string[] = [];
  if (q?.exceeds?.includes('single-limit')) why.push(t('quota.overSingle', { limit: yuan(q.singleLimit) }));
  if (q?.exceeds?.includes('annual-limit')) why.push(t('quota.overAnnual'));

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('quota.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {t('quota.intro')}
      </Typography.Paragraph>
      <Row gutter={[24, 24]}>
        <Col xs={24} lg={11}>
          <Card variant="borderless">
            {errors.alert}
            <Form<Values>
              form={form}
              name="quota"
              layout="vertical"
              onFinish={submit}
              initialValues={{ buyerIdType: '1', basis: 'order', showRemaining: false }}
              autoComplete="off"
            >
              <Form.Item
                name="buyerName"
                label={t('quota.buyerName')}
                rules={[{ required: true, whitespace: true, message: t('quota.nameRequired') }]}
              >
                <Input maxLength={60} autoComplete="off" />
              </Form.Item>
              <Row gutter={12}>
                <Col span={9}>
                  <Form.Item name="buyerIdType" label={t('quota.idType')}>
                    <Select disabled options={[{ value: '1', label: t('quota.idCard') }]} />
                  </Form.Item>
                </Col>
                <Col span={15}>
                  <Form.Item
                    name="buyerIdNumber"
                    label={t('quota.buyerIdNumber')}
                    rules={[
                      { required: true, whitespace: true, message: t('quota.idRequired') },
                      { pattern: ID_RE, message: t('quota.idFormat') },
                    ]}
                  >
                    <Input maxLength={18} autoComplete="off" spellCheck={false} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="basis" label={t('quota.basis')} extra={t(`quota.basisHint.${basis}`)}>
                <Radio.Group data-testid="quota-basis">
                  <Radio value="order">{t('quota.basisOrder')}</Radio>
                  <Radio value="consent" data-testid="quota-basis-consent">
                    {t('quota.basisConsent')}
                  </Radio>
                </Radio.Group>
              </Form.Item>
              {basis === 'consent' && (
                <>
                  <Form.Item
                    name="consentReference"
                    label={t('quota.consentReference')}
                    extra={t('quota.consentReferenceHint')}
                    rules={[{ required: true, whitespace: true, message: t('quota.consentRequired') }]}
                  >
                    <Input maxLength={64} autoComplete="off" data-testid="quota-consent-reference" />
                  </Form.Item>
                  <Form.Item name="showRemaining" valuePropName="checked">
                    <Checkbox data-testid="quota-show-remaining">{t('quota.showRemaining')}</Checkbox>
                  </Form.Item>
                </>
              )}
              <Form.Item
                name="amount"
                label={showRemaining ? `${t('quota.amount')}（${t('common.optional')}）` : t('quota.amount')}
                extra={t('quota.amountHint')}
                rules={[
                  { required: !showRemaining, whitespace: true, message: t('quota.amountRequired') },
                  { pattern: AMOUNT_RE, message: t('quota.amountFormat') },
                ]}
              >
                <Input prefix="¥" maxLength={16} inputMode="decimal" />
              </Form.Item>
              <Button
                type="primary"
                htmlType="submit"
                icon={<SafetyOutlined />}
                loading={busy}
                data-testid="quota-submit"
              >
                {t('quota.check')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={13}>
          {q && answer && (
            <Card variant="borderless" title={t('quota.result')} data-testid="quota-result">
              <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
                <Descriptions.Item label={t('quota.buyer')}>{answer.buyer}</Descriptions.Item>
              </Descriptions>
              <Row gutter={16}>
                {remaining !== undefined && (
                  <Col span={12}>
                    <Statistic
                      title={`${t('quota.remaining')}（${t('quota.year', { year: q.year })}）`}
                      value={yuan(remaining)}
                      valueStyle={{ color: '#1a5fb4', fontWeight: 600 }}
                      data-testid="quota-remaining"
                    />
                  </Col>
                )}
                <Col span={remaining !== undefined ? 6 : 12}>
                  <Statistic title={t('quota.annualLimit')} value={yuan(q.annualLimit)} valueStyle={{ fontSize: 18 }} />
                </Col>
                <Col span={remaining !== undefined ? 6 : 12}>
                  <Statistic title={t('quota.singleLimit')} value={yuan(q.singleLimit)} valueStyle={{ fontSize: 18 }} />
                </Col>
              </Row>
              {remaining !== undefined && (
                <Progress percent={usedPercent} showInfo={false} style={{ margin: '12px 0 16px' }} />
              )}
              <Descriptions size="small" column={1} style={{ margin: '12px 0' }}>
                <Descriptions.Item label={t('quota.basis')}>
                  {q.basis === 'order'
                    ? t('quota.basisOrder')
                    : `${t('quota.basisConsent')}（${q.consentReference ?? ''}）`}
                </Descriptions.Item>
              </Descriptions>
              {q.amount !== undefined &&
                (q.fits ? (
                  <Alert
                    type="success"
                    showIcon
                    icon={<CheckCircleFilled />}
                    message={t('quota.fits', { amount: yuan(q.amount) })}
                    data-testid="quota-fits"
                    data-fits="true"
                  />
                ) : (
                  <Alert
                    type="error"
                    showIcon
                    icon={<CloseCircleFilled />}
                    message={t('quota.notFits', { amount: yuan(q.amount) })}
                    description={why.length ? why.join('；') : undefined}
                    data-testid="quota-fits"
                    data-fits="false"
                  />
                ))}
              <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
                {t('quota.privacy')}
              </Typography.Paragraph>
            </Card>
          )}
        </Col>
      </Row>
    </div>
  );
}
