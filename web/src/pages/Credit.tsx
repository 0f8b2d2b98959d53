import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { errorText, request } from '../api';
import { useAuth } from '../auth';
import { CODE_TRIGGERS, codeRules } from '../codes';
import { useServerErrors } from '../components/serverErrors';
import { formatTime } from '../i18n';

// ---------------------------------------------------------------------------------------------------------------
// The credit API (GET /api/v1/credit/{uscc}, POST /api/v1/credit/records)

export const CREDIT_LEVELS = ['advanced', 'certified', 'general', 'dishonest', 'seriously-dishonest'] as const;
export type CreditLevel = (typeof CREDIT_LEVELS)[number];
export type Decree = '251' | '282';

/** Decree 282 takes effect on this day; before it Decree 251 applies. */
const DECREE_282_FROM = '2026-04-01';
const LEVELS_251: readonly CreditLevel[] = ['advanced', 'general', 'dishonest'];

export interface CreditRecord {
  id: string;
  uscc: string;
  decree: Decree;
  level: CreditLevel;
  validFrom: string;
  validTo: string | null;
  basis: string;
  recordedBy: string | null;
  recordedAt: string;
}

export interface CreditStanding {
  uscc: string;
  on: string;
  decree: Decree;
  level: CreditLevel;
  record: CreditRecord | null;
  history: CreditRecord[];
}

const enc = encodeURIComponent;

export const creditApi = {
  standing: (uscc: string, on?: string) =>
    request<CreditStanding>('GET', `/credit/${enc(uscc)}`, undefined, on ? { on } : undefined),
  record: (body: { uscc: string; level: CreditLevel; validFrom: string; validTo?: string | null; basis: string }) =>
    request<{ record: CreditRecord }>('POST', '/credit/records', body).then((r) => r.record),
};

// ---------------------------------------------------------------------------------------------------------------
// Display

const LEVEL_COLORS: Record<CreditLevel, string> = {
  advanced: 'green',
  certified: 'cyan',
  general: 'default',
  dishonest: 'orange',
  'seriously-dishonest': 'red',
};

/** Today in Asia/Shanghai (UTC+8), as YYYY-MM-DD. */
function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function decreeOf(date: string): Decree {
  return date < DECREE_282_FROM ? '251' : '282';
}

/** The level's name under a decree (a 251 level on a later date is named as 282 names it). */
export function useLevelName(): (level: CreditLevel, decree: Decree) => string {
  const { t } = useTranslation();
  return (level, decree) =>
    decree === '251' && LEVELS_251.includes(level)
      ? t(`credit.level251.${level as 'advanced' | 'general' | 'dishonest'}`)
      : t(`credit.level282.${level}`);
}

export function CreditLevelTag({ level, decree }: { level: CreditLevel; decree: Decree }) {
  const name = useLevelName();
  return (
    <Tag color={LEVEL_COLORS[level]} data-testid="credit-level">
      {name(level, decree)}
    </Tag>
  );
}

const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };

/** What antd's DatePicker gives (a dayjs object); only `format` is used. */
type PickedDate = { format(template: string): string };

type RecordFormValues = {
  uscc: string;
  level: CreditLevel;
  validFrom: PickedDate;
  validTo?: PickedDate | null;
  basis: string;
};

function RecordModal({
  open,
  uscc,
  onClose,
  onSaved,
}: {
  open: boolean;
  uscc: string;
  onClose: () => void;
  onSaved: (r: CreditRecord) => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<RecordFormValues>();
  const serverErrors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const levelName = useLevelName();
  const validFrom = Form.useWatch('validFrom', form);
  const decree = validFrom ? decreeOf(validFrom.format('YYYY-MM-DD')) : '282';
  const levels = decree === '251' ? LEVELS_251 : CREDIT_LEVELS;

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue({ uscc });
      serverErrors.clear();
    }
  }, [open, uscc, form, serverErrors.clear]);

  useEffect(() => {
    const level = form.getFieldValue('level') as CreditLevel | undefined;
    if (level && !levels.includes(level)) form.setFieldsValue({ level: undefined });
  }, [levels, form]);

  const submit = async (v: RecordFormValues) => {
    serverErrors.clear();
    setBusy(true);
    try {
      const saved = await creditApi.record({
        uscc: v.uscc.trim().toUpperCase(),
        level: v.level,
        validFrom: v.validFrom.format('YYYY-MM-DD'),
        validTo: v.validTo ? v.validTo.format('YYYY-MM-DD') : null,
        basis: v.basis.trim(),
      });
      onSaved(saved);
    } catch (err) {
      serverErrors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('credit.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={620}
      destroyOnHidden
    >
      <Alert type="info" showIcon message={t('credit.addHint')} style={{ marginBottom: 16 }} />
      {serverErrors.alert}
      <Form<RecordFormValues> form={form} name="credit-record" layout="vertical" onFinish={submit} disabled={busy}>
        <Form.Item
          name="uscc"
          label={t('credit.uscc')}
          normalize={(v: string) => v?.toUpperCase()}
          validateFirst
          validateTrigger={CODE_TRIGGERS}
          rules={[
            { required: true, message: t('common.required', { field: t('credit.uscc') }) },
            ...codeRules('uscc', i18n.language),
          ]}
        >
          <Input maxLength={18} style={mono} placeholder={t('credit.usccPlaceholder')} />
        </Form.Item>
        <Space size={16} wrap>
          <Form.Item
            name="validFrom"
            label={t('credit.validFrom')}
            rules={[{ required: true, message: t('credit.validFromRequired') }]}
          >
            <DatePicker style={{ width: 200 }} data-testid="credit-valid-from" />
          </Form.Item>
          <Form.Item name="validTo" label={t('credit.validTo')} extra={t('common.optional')}>
            <DatePicker style={{ width: 200 }} data-testid="credit-valid-to" />
          </Form.Item>
        </Space>
        <Form.Item
          name="level"
          label={`${t('credit.level')}（${t(decree === '251' ? 'credit.decree251' : 'credit.decree282')}）`}
          rules={[{ required: true, message: t('credit.levelRequired') }]}
        >
          <Select<CreditLevel>
            options={levels.map((l) => ({ value: l, label: levelName(l, decree) }))}
            data-testid="credit-level-select"
          />
        </Form.Item>
        <Form.Item
          name="basis"
          label={t('credit.basis')}
          rules={[{ required: true, whitespace: true, message: t('credit.basisRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount placeholder={t('credit.basisPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 信用管理: look up an enterprise's customs credit on a date, its records, and (customs) record a new level. */
export default function Credit() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { message } = App.useApp();
  const { me } = useAuth();
  const levelName = useLevelName();
  const [params, setParams] = useSearchParams();
  const uscc = (params.get('uscc') ?? '').trim().toUpperCase();
  const on = params.get('on') ?? '';
  const [input, setInput] = useState(uscc);
  const [standing, setStanding] = useState<CreditStanding | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const canRecord = me?.role === 'customs' || me?.role === 'platform_admin';

  const load = useCallback(async () => {
    if (!uscc) {
      setStanding(null);
      return;
    }
    setLoading(true);
    setError(null);
    try {
      setStanding(await creditApi.standing(uscc, on || undefined));
    } catch (err) {
      setStanding(null);
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [uscc, on]);

  useEffect(() => {
    void load();
  }, [load]);

  const update = (next: { uscc?: string; on?: string | null }) => {
    const p = new URLSearchParams(params);
    if (next.uscc !== undefined) p.set('uscc', next.uscc);
    if (next.on !== undefined) {
      if (next.on) p.set('on', next.on);
      else p.delete('on');
    }
    setParams(p);
  };

  const columns = useMemo(
    () => [
      {
        title: t('credit.validFrom'),
        dataIndex: 'validFrom',
        width: 120,
        render: (v: string, r: CreditRecord) => (
          <Space size={4} direction="vertical">
            <span style={mono}>{v}</span>
            {standing?.record?.id === r.id ? <Tag color="blue">{t('credit.current')}</Tag> : null}
          </Space>
        ),
      },
      {
        title: t('credit.validTo'),
        dataIndex: 'validTo',
        width: 140,
        render: (v: string | null) => (v ? <span style={mono}>{v}</span> : t('credit.openEnded')),
      },
      {
        title: t('credit.level'),
        dataIndex: 'level',
        width: 200,
        render: (v: CreditLevel, r: CreditRecord) => <CreditLevelTag level={v} decree={r.decree} />,
      },
      {
        title: t('credit.decree'),
        dataIndex: 'decree',
        width: 170,
        render: (v: Decree) => t(v === '251' ? 'credit.decree251' : 'credit.decree282'),
      },
      {
        title: t('credit.basis'),
        dataIndex: 'basis',
        render: (v: string) => <span style={{ wordBreak: 'break-word' }}>{v}</span>,
      },
      { title: t('credit.recordedBy'), dataIndex: 'recordedBy', width: 130, render: (v: string | null) => v ?? '—' },
      {
        title: t('credit.recordedAt'),
        dataIndex: 'recordedAt',
        width: 150,
        render: (v: string) => formatTime(v, lang),
      },
    ],
    [t, lang, standing],
  );

  return (
    <div style={{ maxWidth: 1280 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('credit.title')}
        </Typography.Title>
        {canRecord && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="credit-add">
            {t('credit.add')}
          </Button>
        )}
        <Button icon={<ReloadOutlined />} onClick={() => void load()} disabled={!uscc}>
          {t('common.refresh')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('credit.intro')}</Typography.Paragraph>

      <Card variant="borderless" style={{ marginBottom: 16 }}>
        <Space wrap size={12}>
          <Input.Search
            allowClear
            style={{ width: 340, ...mono }}
            maxLength={18}
            placeholder={t('credit.usccPlaceholder')}
            value={input}
            onChange={(e) => setInput(e.target.value.toUpperCase())}
            onSearch={(v) => update({ uscc: v.trim().toUpperCase() })}
            enterButton={
              <Button type="primary" icon={<SearchOutlined />}>
                {t('credit.lookup')}
              </Button>
            }
            data-testid="credit-uscc"
          />
          <Space size={6}>
            <span>{t('credit.on')}</span>
            <DatePicker
              allowClear
              placeholder={shanghaiToday()}
              onChange={(d: PickedDate | null) => update({ on: d ? d.format('YYYY-MM-DD') : null })}
              data-testid="credit-on"
            />
          </Space>
        </Space>
      </Card>

      {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 16 }} /> : null}

      {!uscc ? (
        <Card variant="borderless">
          <Empty description={t('credit.enterUscc')} />
        </Card>
      ) : standing ? (
        <>
          <Card variant="borderless" style={{ marginBottom: 16 }} loading={loading}>
            <Descriptions column={{ xs: 1, md: 2 }} size="middle">
              <Descriptions.Item label={t('credit.uscc')}>
                <span style={mono}>{standing.uscc}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('credit.on')}>
                <span style={mono}>{standing.on}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('credit.level')}>
                <span data-testid="credit-standing-level" data-level={standing.level}>
                  <CreditLevelTag level={standing.level} decree={standing.decree} />
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('credit.decree')}>
                {t(standing.decree === '251' ? 'credit.decree251' : 'credit.decree282')}
              </Descriptions.Item>
              <Descriptions.Item label={t('credit.inForce')} span={2}>
                {standing.record
                  ? `${standing.record.validFrom} – ${standing.record.validTo ?? t('credit.openEnded')} · ${levelName(
                      standing.record.level,
                      standing.decree,
                    )} · ${standing.record.basis}`
                  : t('credit.noRecord')}
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card variant="borderless" title={t('credit.history')} styles={{ body: { padding: 0 } }}>
            <Table<CreditRecord>
              rowKey="id"
              loading={loading}
              dataSource={standing.history}
              pagination={false}
              locale={{ emptyText: t('credit.noHistory') }}
              columns={columns}
              data-testid="credit-history"
            />
          </Card>
        </>
      ) : loading ? (
        <Card variant="borderless" loading />
      ) : null}

      <RecordModal
        open={adding}
        uscc={uscc}
        onClose={() => setAdding(false)}
        onSaved={(r) => {
          setAdding(false);
          message.success(t('credit.added'));
          setInput(r.uscc);
          if (r.uscc === uscc) void load();
          else update({ uscc: r.uscc });
        }}
      />
    </div>
  );
}
