import {
  ApiOutlined,
  AuditOutlined,
  FileDoneOutlined,
  LoginOutlined,
  SafetyCertificateOutlined,
  SolutionOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Button, Card, Col, Row, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ENTERPRISE_ROLES, homeOf } from '../api';
import { useAuth } from '../auth';

function Feature({ icon, title, text }: { icon: ReactNode; title: string; text: string }) {
  return (
    <Card variant="borderless" style={{ height: '100%', boxShadow: '0 1px 3px rgba(16,24,40,0.06)' }}>
      <div style={{ fontSize: 26, color: '#1a5fb4', marginBottom: 10 }}>{icon}</div>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {text}
      </Typography.Paragraph>
    </Card>
  );
}

function FlowStep({ n, title, text, last }: { n: number; title: string; text: string; last: boolean }) {
  return (
    <div style={{ display: 'flex', gap: 12 }}>
      <div
        style={{
          flex: 'none',
          width: 32,
          height: 32,
          borderRadius: 16,
          background: last ? '#f6c343' : '#1a5fb4',
          color: last ? '#0b3266' : '#fff',
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
          fontWeight: 600,
        }}
      >
        {n}
      </div>
      <div>
        <Typography.Text strong style={{ fontSize: 15 }}>
          {title}
        </Typography.Text>
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0', fontSize: 13, lineHeight: 1.7 }}>
          {text}
        </Typography.Paragraph>
      </div>
    </div>
  );
}

export default function Home() {
  const { t } = useTranslation();
  const { me } = useAuth();
  return (
    <div>
      <section
        style={{
          background:
            'radial-gradient(1200px 400px at 80% -10%, #2b74d1 0%, rgba(43,116,209,0) 60%), linear-gradient(180deg, #15519b 0%, #0f3d7a 100%)',
          color: '#fff',
          padding: '56px 0 80px',
        }}
      >
        <div style={{ maxWidth: 1080, margin: '0 auto', padding: '0 24px' }}>
          <Tag color="gold" bordered={false} style={{ marginBottom: 16 }}>
            {t('home.kicker')}
          </Tag>
          <Typography.Title style={{ color: '#fff', margin: '0 0 6px', fontSize: 36, lineHeight: 1.25 }}>
            {t('home.title')}
          </Typography.Title>
          <Typography.Text style={{ color: 'rgba(255,255,255,0.78)', fontSize: 15 }}>{t('app.zone')}</Typography.Text>
          <Typography.Paragraph
            style={{ color: 'rgba(255,255,255,0.9)', fontSize: 16, maxWidth: 760, marginTop: 18, lineHeight: 1.8 }}
          >
            {t('home.lead')}
          </Typography.Paragraph>
          {me ? (
            <Space size={12} wrap style={{ marginTop: 8 }}>
              <Typography.Text style={{ color: '#fff' }}>
                {t('home.signedInAs', { name: me.displayName || me.username, role: t(`role.${me.role}`) })}
              </Typography.Text>
              <Link to={homeOf(me)}>
                <Button type="primary" size="large" style={{ background: '#f6c343', color: '#0b3266' }}>
                  {t('home.goWorkspace')}
                </Button>
              </Link>
            </Space>
          ) : (
            <Space size={12} wrap style={{ marginTop: 8 }}>
              <Link to="/login">
                <Button size="large" icon={<LoginOutlined />} data-testid="entry-enterprise-login">
                  {t('home.enterpriseLogin')}
                </Button>
              </Link>
              <Link to="/apply">
                <Button
                  size="large"
                  type="primary"
                  icon={<FileDoneOutlined />}
                  style={{ background: '#f6c343', color: '#0b3266', fontWeight: 600 }}
                  data-testid="entry-apply"
                >
                  {t('home.apply')}
                </Button>
              </Link>
              <Link to="/login?as=officer">
                <Button size="large" ghost icon={<SolutionOutlined />} data-testid="entry-officer-login">
                  {t('home.officerLogin')}
                </Button>
              </Link>
            </Space>
          )}
        </div>
      </section>

      <div style={{ maxWidth: 1080, margin: '0 auto', padding: '32px 24px 16px' }}>
        <Card variant="borderless" style={{ marginTop: -72, boxShadow: '0 6px 24px rgba(16,24,40,0.10)' }}>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {t('home.flowTitle')}
          </Typography.Title>
          <Row gutter={[24, 16]}>
            {(['flow1', 'flow2', 'flow3', 'flow4'] as const).map((k, i) => (
              <Col key={k} xs={24} sm={12} lg={6}>
                <FlowStep n={i + 1} title={t(`home.${k}`)} text={t(`home.${k}d`)} last={i === 3} />
              </Col>
            ))}
          </Row>
        </Card>

        <Typography.Title level={4} style={{ margin: '32px 0 16px' }}>
          {t('home.featuresTitle')}
        </Typography.Title>
        <Row gutter={[16, 16]}>
          <Col xs={24} sm={12} lg={8}>
            <Feature icon={<FileDoneOutlined />} title={t('home.f1')} text={t('home.f1d')} />
          </Col>
          <Col xs={24} sm={12} lg={8}>
            <Feature icon={<TeamOutlined />} title={t('home.f2')} text={t('home.f2d')} />
          </Col>
          <Col xs={24} sm={12} lg={8}>
            <Feature icon={<ApiOutlined />} title={t('home.f3')} text={t('home.f3d')} />
          </Col>
          <Col xs={24} sm={12} lg={12}>
            <Feature icon={<AuditOutlined />} title={t('home.f4')} text={t('home.f4d')} />
          </Col>
          <Col xs={24} sm={24} lg={12}>
            <Feature icon={<SafetyCertificateOutlined />} title={t('home.f5')} text={t('home.f5d')} />
          </Col>
        </Row>

        <Typography.Title level={4} style={{ margin: '32px 0 12px' }}>
          {t('home.rolesTitle')}
        </Typography.Title>
        <Space size={[8, 8]} wrap>
          {ENTERPRISE_ROLES.map((r) => (
            <Tag key={r} color="blue" bordered={false} style={{ padding: '4px 10px', fontSize: 13 }}>
              {t(`entRole.${r}`)}
            </Tag>
          ))}
        </Space>
      </div>
    </div>
  );
}
